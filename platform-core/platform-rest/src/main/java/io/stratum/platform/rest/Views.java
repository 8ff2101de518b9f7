package io.stratum.platform.rest;

import io.stratum.platform.api.QuotaDTO;
import io.stratum.platform.api.UserDTO;
import java.security.SecureRandom;

/** Response bodies of the API that are not a DTO of the platform's facade as it is. */
final class Views {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private Views() {
    }

    /**
     * An account's limits and what it uses ({@code GET/PATCH /accounts/{name}/quota}).
     *
     * @param account the account's name
     * @param quota its limits (-1: none)
     * @param usage what it uses now
     */
    record AccountQuota(String account, QuotaDTO quota, QuotaDTO usage) {
    }

    /**
     * A user just created ({@code POST /users}).
     *
     * @param user the user
     * @param generatedPassword the password generated for them (shown this once), or {@code null} if it was given
     */
    record UserCreated(UserDTO user, String generatedPassword) {
    }

    /**
     * A password just changed ({@code PUT /users/{name}/password}).
     *
     * @param user whose
     * @param generatedPassword the password generated (shown this once), or {@code null} if it was given
     */
    record PasswordChanged(String user, String generatedPassword) {
    }

    /**
     * @param random where the characters come from
     * @return a new password: 24 characters of letters and digits without look-alikes (as the shell's --generate)
     */
    static char[] generatePassword(SecureRandom random) {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return chars;
    }
}
