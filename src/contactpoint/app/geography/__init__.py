"""Places: the ONS postcode geography, the postcode-to-LA lookup and the LA directory."""
