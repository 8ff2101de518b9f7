package io.stratum.platform.spi;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one rule of the core bundles for which values are shown masked: a value kept under a secret-looking name
 * (a service's configuration, a binding, a setting an update makes) is shown as {@value #MASK}, and a password inside
 * a URL is blanked wherever a URL is shown. Listings, the account history (and so account clones), job and update
 * messages, backups' recorded configuration and the service broker all judge by this rule, so a value hidden in one
 * place is never shown in another. The store seals every value whatever its name; this rule is only about showing.
 */
public final class Secrets {

    /** What a secret is shown as. */
    public static final String MASK = "********";

    /**
     * Secret-looking names (lower-cased, found anywhere in the name): passwords, passphrases, secrets, tokens,
     * credentials, API keys, private keys, authentication (not "author" or "authority"); and keys: a name that ends in
     * {@code key}, {@code keys}, {@code keypem}, {@code keyfile} or {@code keypair} ({@code accessKey},
     * {@code sshKeys}, {@code signing.keyFile}), or that has {@code key} or {@code keys} as a part of its own
     * ({@code key.id}, {@code tls-keys-dir}).
     */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|passwd|pwd|passphrase|secret|token|credential|apikey|api_key|api-key|private|auth(?!or)"
                    + "|key(?:s|pem|file|pair)?$|(?:^|[._-])keys?(?:[._-]|$)");
    /** {@code scheme://user:password@host}: the password part. */
    private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@\\s]*:)[^/@\\s]*@");
    /**
     * A secret-looking parameter in a URL's query or a JDBC URL's settings ({@code ;PASSWORD=}, {@code ?token=},
     * {@code &access_token=}, {@code ?api-key=}): its value.
     */
    private static final Pattern URL_SECRET_PARAM = Pattern.compile("(?i)([?&;][\\w.-]*?(?:password|passwd|pwd|passphrase"
            + "|secret|token|apikey|api_key|api-key|credential|auth(?!or))[\\w.-]*=)[^&;#\\s]*");

    private Secrets() {
    }

    /**
     * @param name the name a value is kept under (a configuration, binding or property key), or {@code null}
     * @return whether the name says its value is a secret (e.g. {@code admin.password}, {@code apiToken},
     *     {@code accessKey})
     */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * @param text a URL, or any text holding URLs, or {@code null}
     * @return it with the password of {@code user:password@host} and the values of secret-looking parameters
     *     ({@code password=}, {@code token=}, ...) blanked out
     */
    public static String maskUrls(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
        return URL_SECRET_PARAM.matcher(out).replaceAll("$1" + MASK);
    }

    /**
     * @param name the name the value is kept under
     * @param value the value, or {@code null}
     * @return the value as it may be shown: {@value #MASK} under a secret-looking name, else with passwords in URLs
     *     blanked; {@code null} stays {@code null}
     */
    public static String shown(String name, String value) {
        if (value == null) {
            return null;
        }
        return isSecretName(name) ? MASK : maskUrls(value);
    }

    /**
     * @param values values by name, or {@code null}
     * @return each as {@link #shown(String, String)} shows it, sorted by name ({@code null} for {@code null})
     */
    public static Map<String, String> shown(Map<String, String> values) {
        if (values == null) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, shown(k, v)));
        return out;
    }
}
