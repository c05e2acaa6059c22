package dev.skerry.config;

/** A throw-away self-signed certificate and an unrelated key, only for checks of the PEM format. Test-only material. */
final class TestCertificate {

    private TestCertificate() {
    }

    static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBgDCCASegAwIBAgIUJy6IvOdNnEBFaoOciEnHx7MlWpEwCgYIKoZIzj0EAwIw
            FjEUMBIGA1UEAwwLc2tlcnJ5LXRlc3QwHhcNMjYxMTI1MTQxMTIzWhcNMzYxMTIy
            MTQxMTIzWjAWMRQwEgYDVQQDDAtza2VycnktdGVzdDBZMBMGByqGSM49AgEGCCqG
            SM49AwEHA0IABKJgWVOUPoKp5Oyj27aACIRPCO2FdipxjLYRgWDbePPFcuS6K6DV
            ub4rRY53Cp1xZSvBxqmeO2QPjYdzZC8jBlejUzBRMB0GA1UdDgQWBBTlqbS+dL2l
            F1UsnMoIl5F1MnkjOzAfBgNVHSMEGDAWgBTlqbS+dL2lF1UsnMoIl5F1MnkjOzAP
            BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIBLlw/RPDqmxrA8LNECw
            PtsreZRpvbNw/eqiZ2lbjl7bAiAnsvSDE5X9L/vqsZ8TLZzCyObMH5aLYobkvLYS
            QB+FDg==
            -----END CERTIFICATE-----
            """;

    static final String KEY = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            -----END PRIVATE KEY-----
            """;
}
