"""Keys and encryption: a versioned keyring, per-record AES-GCM, HMAC blind indexes."""
