// ECDSA and Ed25519 exports (filled in by the crypto work).
