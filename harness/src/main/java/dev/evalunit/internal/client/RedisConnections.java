package dev.evalunit.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * How {@link SharedLimits} reaches the Redis of {@code evalunit.shared-limits.redis}: a pool of Jedis connections
 * from its URL (TLS for {@code rediss://}, a user and password, a database), and what a failure to reach it
 * says, never with the password.
 */
final class RedisConnections {

    private RedisConnections() {
    }

    /**
     * A pool of at most {@code connections} to {@code redis}; nothing is connected yet. Every connect and
     * command gives up after {@code timeout}.
     */
    static JedisPool pool(URI redis, Path trustedCertificates, int connections, Duration timeout)
            throws IOException, GeneralSecurityException {
        int port = redis.getPort() < 0 ? 6379 : redis.getPort();
        return new JedisPool(poolConfig(connections, timeout), new HostAndPort(redis.getHost(), port),
                clientConfig(redis, trustedCertificates, timeout));
    }

    /** Why {@code failure} kept this process from {@code redis}, without its password, and what to do. */
    static String explain(Throwable failure, URI redis, Path trustedCertificates) {
        return withoutPassword(rootMessage(failure), redis) + advice(failure, redis, trustedCertificates);
    }

    private static GenericObjectPoolConfig<Jedis> poolConfig(int connections, Duration timeout) {
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(connections);
        config.setMaxIdle(connections);
        config.setMaxWait(timeout);
        config.setJmxEnabled(false);
        return config;
    }

    /**
     * Timeouts, the user and password of {@code redis://user:password@host} (decoded: {@link URI#getUserInfo()}),
     * its database ({@code /2}), and for {@code rediss://} TLS with the host name checked against the
     * certificate, trusting {@code trustedCertificates} when given.
     */
    private static DefaultJedisClientConfig clientConfig(URI redis, Path trustedCertificates, Duration timeout)
            throws IOException, GeneralSecurityException {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .clientName("evalunit");
        String userInfo = redis.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? null : userInfo.substring(0, colon);
            config.user(user == null || user.isEmpty() ? null : user)
                    .password(colon < 0 ? userInfo : userInfo.substring(colon + 1));
        }
        String path = redis.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        if ("rediss".equals(redis.getScheme())) {
            SSLParameters checkHost = new SSLParameters();
            checkHost.setEndpointIdentificationAlgorithm("HTTPS");
            config.ssl(true).sslParameters(checkHost);
            if (trustedCertificates != null) {
                config.sslSocketFactory(trusting(trustedCertificates));
            }
        }
        return config.build();
    }

    /** Sockets that trust the certificates of a PEM file, and no other. */
    private static SSLSocketFactory trusting(Path pem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls.getSocketFactory();
    }

    /** What to do about a failure to connect that says what it is: a certificate not trusted, a password refused. */
    private static String advice(Throwable failure, URI redis, Path trustedCertificates) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if ((t instanceof javax.net.ssl.SSLException || message.contains("PKIX") || message.contains("certificate"))
                    && "rediss".equals(redis.getScheme())) {
                return trustedCertificates == null
                        ? "; its TLS certificate is not one this JVM trusts: set evalunit.shared-limits.redis-ca to a"
                                + " PEM file of the certificate of the CA that signed it"
                        : "; its TLS certificate was not signed by a CA of " + trustedCertificates
                                + " (evalunit.shared-limits.redis-ca)";
            }
            if (message.contains("WRONGPASS") || message.contains("NOAUTH") || message.contains("invalid password")) {
                return "; check the password of evalunit.shared-limits.redis (redis://:PASSWORD@host:port, with / and @"
                        + " written %2F and %40)";
            }
        }
        return "";
    }

    /** {@code message} with the password of {@code redis}, should the client have quoted it, replaced by ***. */
    static String withoutPassword(String message, URI redis) {
        String userInfo = redis.getUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return message;
        }
        String password = userInfo.substring(userInfo.indexOf(':') + 1);
        return password.isEmpty() ? message : message.replace(password, "***");
    }

    /** The failure's own message, and its root cause's when that says more. */
    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause(); // a wrapper of the future that failed: its message is its cause's toString()
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String rootMessage = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t || message.contains(rootMessage) ? message : message + ": " + rootMessage;
    }
}
