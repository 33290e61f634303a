"""The FHIR R4 interface for client systems (IHE PDQm patient lookup, $match, read) under /fhir."""
