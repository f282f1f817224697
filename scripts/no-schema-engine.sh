#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded on offline machines.
# Liaison creates and applies migrations itself: use `npm run migration:create` and `liaison migrate`.
echo "schema engine not available; use the project's migrate command (liaison migrate, npm run migration:create)" >&2
exit 1
