/** Where the crypto's IndexedDB store is kept between runs (Liaison's database); see MatrixCrypto. */
export interface CryptoPersistence {
  /** Loads the saved records into the IndexedDB before the crypto opens; resolves to the store's name. */
  restore(): Promise<string>;
  /** Writes what changed since the last save. */
  save(): Promise<void>;
  /** Writes what is left and lets go of the IndexedDB. */
  close(): Promise<void>;
}
