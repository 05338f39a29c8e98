// RSA, HMAC and hash exports (filled in by the crypto work).
