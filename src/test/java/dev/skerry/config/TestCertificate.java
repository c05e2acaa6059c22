package dev.skerry.config;

/** A throw-away self-signed certificate (EC P-256) and its key: the start-up checks refuse a key that is not the certificate's. Test-only material. */
final class TestCertificate {

    private TestCertificate() {
    }

    static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBgTCCASegAwIBAgIUQeQmq/hJHIXQJbMeY/RzTl38WDIwCgYIKoZIzj0EAwIw
            FjEUMBIGA1UEAwwLc2tlcnJ5LXRlc3QwHhcNMjYxMjAyMTIzMjQ1WhcNMzYxMTI5
            MTIzMjQ1WjAWMRQwEgYDVQQDDAtza2VycnktdGVzdDBZMBMGByqGSM49AgEGCCqG
            SM49AwEHA0IABDDNvEGKwC2EliNerbB1tkGOUR0rZ+jZKHPHYJQegfn4EY1IIxqS
            5kUxtbsHBuCfbyGlXIhE82PIxhYN6waourujUzBRMB0GA1UdDgQWBBQS09h1FRS1
            SEPEip6R7Knjitw+yjAfBgNVHSMEGDAWgBQS09h1FRS1SEPEip6R7Knjitw+yjAP
            BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIBJ7m9Iu4hYoXttzif+0
            mUtU9JuVySV8JdIrkbbk9nYFAiEAtbWPjPSn8q09SXZP9r2GJVMTzVFBO2ObOQE3
            225aPjE=
            -----END CERTIFICATE-----
            """;

    static final String KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg33qCLeSQXu3ELRxT
            tXC6ETK5QJCVNSDjXa71xcXaqFChRANCAAQwzbxBisAthJYjXq2wdbZBjlEdK2fo
            2Shzx2CUHoH5+BGNSCMakuZFMbW7Bwbgn28hpVyIRPNjyMYWDesGqLq7
            -----END PRIVATE KEY-----
            """;
}
