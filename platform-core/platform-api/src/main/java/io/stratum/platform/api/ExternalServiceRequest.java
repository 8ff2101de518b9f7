package io.stratum.platform.api;

import java.util.Map;

/**
 * A service Stratum does not run, registered so it can be a provider.
 *
 * @param account the owning account's name ({@code null}: the caller's only account, else the default one)
 * @param serviceType the provider type it offers, e.g. {@code database}
 * @param name its name in the account
 * @param url how dependants reach it, e.g. {@code jdbc:postgresql://127.0.0.1:5432/orders}
 * @param user the user dependants connect as, or {@code null}
 * @param password that user's password, or {@code null}
 * @param properties further binding values handed to dependants
 */
public record ExternalServiceRequest(
        String account,
        String serviceType,
        String name,
        String url,
        String user,
        String password,
        Map<String, String> properties) {

    /** Normalizes absent values. */
    public ExternalServiceRequest {
        account = account == null || account.isBlank() ? null : account;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
