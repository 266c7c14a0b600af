// xml-encryption 6 ships no type declarations; this covers the two calls we (and the test IdP) make.
declare module 'xml-encryption' {
  export interface DecryptOptions {
    key: string | Buffer;
    disallowDecryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  }
  export interface EncryptOptions {
    rsa_pub: string | Buffer;
    pem: string | Buffer;
    encryptionAlgorithm: string;
    keyEncryptionAlgorithm: string;
    keyEncryptionDigest?: string;
    disallowEncryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  }
  type Callback<T> = (err: Error | null, result?: T) => void;
  export function decrypt(xml: string | object, options: DecryptOptions, callback: Callback<string>): void;
  export function encrypt(content: string, options: EncryptOptions, callback: Callback<string>): void;
  const xmlenc: { decrypt: typeof decrypt; encrypt: typeof encrypt };
  export default xmlenc;
}
