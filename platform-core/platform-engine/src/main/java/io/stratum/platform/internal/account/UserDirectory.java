package io.stratum.platform.internal.account;

import io.stratum.platform.api.AccountRole;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.api.UserDTO;
import io.stratum.platform.internal.store.Sql;
import io.stratum.platform.internal.store.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's users: names, salted password hashes ({@link Passwords}), the platform-admin flag, and a role
 * per account. There is no built-in password: when the store has no user at all, the first start creates the
 * platform admin {@value #INITIAL_ADMIN} with a generated password, written once to {@value #INITIAL_PASSWORD_FILE}
 * in Stratum's home (owner-only), where the launcher reads it; it is deleted when that password is changed.
 */
@Component(service = UserDirectory.class)
public final class UserDirectory {

    /** The platform admin the first start creates. */
    public static final String INITIAL_ADMIN = "admin";
    /** Where the first start writes that admin's password, relative to Stratum's home. */
    public static final String INITIAL_PASSWORD_FILE = "initial-admin-password";

    /** User names: lower-case letters, digits, dots, dashes and underscores, starting with a letter. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);

    private final Store store;
    private final Passwords passwords;
    private final Path initialPasswordFile;
    private final VerifiedLogins verified = new VerifiedLogins(System::nanoTime);

    /**
     * @param store the store
     * @param accounts accounts (so the default account exists before anyone is granted it)
     */
    @Activate
    public UserDirectory(@Reference Store store, @Reference AccountManager accounts) {
        this(store, new Passwords());
    }

    /**
     * @param store the store
     * @param passwords the hashing to use
     */
    public UserDirectory(Store store, Passwords passwords) {
        this.store = store;
        this.passwords = passwords;
        this.initialPasswordFile = store.home().resolve(INITIAL_PASSWORD_FILE);
        createInitialAdmin();
    }

    /** @return the file holding the initial admin's password, while it has not been changed */
    public Path initialPasswordFile() {
        return initialPasswordFile;
    }

    private void createInitialAdmin() {
        String password = passwords.generate();
        boolean created = store.inTransaction(c -> {
            if (Sql.one(c, "SELECT COUNT(*) AS n FROM users", rs -> rs.getLong("n")).orElse(0L) > 0) {
                return false;
            }
            insert(c, INITIAL_ADMIN, passwords.hash(password.toCharArray()), true);
            writeOwnerOnly(initialPasswordFile, password); // inside the transaction: no admin without its file
            return true;
        });
        if (created) {
            LOG.info("Created the platform admin '{}'; its generated password is in {} (readable by its owner only; "
                    + "it is deleted when the password is changed with stratum:user-passwd)", INITIAL_ADMIN,
                    initialPasswordFile);
        }
    }

    private static void writeOwnerOnly(Path file, String content) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            // created owner-only and written through the one descriptor: no window, no link followed
            try (var channel = FileChannel.open(partial, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                channel.write(ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            // renamed into place: a reader (the launcher, a test) never sees the file empty or half written
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("cannot write " + partial + ": it appeared meanwhile", e);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("cannot write " + file + " readable by its owner only: the file system "
                    + "has no POSIX permissions; put Stratum's home (stratum.home) on one that has", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the initial admin password to " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param name a user name
     * @param password the password offered
     * @return the user if the password is right
     */
    public Optional<UserDTO> authenticate(String name, char[] password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        Optional<String> hash = store.query(c -> Sql.one(c, "SELECT password_hash FROM users WHERE name = ?",
                rs -> rs.getString(1), name));
        if (hash.isEmpty()) {
            passwords.matches(password, DummyHash.VALUE); // same cost for unknown users: no enumeration by timing
            return Optional.empty();
        }
        // a login verified a moment ago with this very password is not hashed again (see VerifiedLogins)
        if (verified.verified(name, hash.get(), password)) {
            return find(name);
        }
        if (!passwords.matches(password, hash.get())) {
            return Optional.empty();
        }
        verified.remember(name, hash.get(), password);
        return find(name);
    }

    /** A hash to spend the time of a check on when the user does not exist; made at the first such login. */
    private static final class DummyHash {
        static final String VALUE = new Passwords().hash("not-a-password-of-anyone".toCharArray());
    }

    /**
     * @param name a user name
     * @return the user, with memberships
     */
    public Optional<UserDTO> find(String name) {
        return store.query(c -> find(c, name));
    }

    /**
     * @param c a connection
     * @param name a user name
     * @return the user, with memberships
     * @throws SQLException on a store error
     */
    public Optional<UserDTO> find(Connection c, String name) throws SQLException {
        Optional<Object[]> row = Sql.one(c, "SELECT platform_admin, created_at FROM users WHERE name = ?",
                rs -> new Object[] {rs.getBoolean(1), Sql.instant(rs, "created_at")}, name);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AccountRole> memberships = new TreeMap<>();
        for (String[] m : Sql.list(c, "SELECT a.name, m.role FROM memberships m JOIN accounts a ON a.id = m.account_id "
                + "WHERE m.user_name = ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, name)) {
            memberships.put(m[0], AccountRole.valueOf(m[1]));
        }
        return Optional.of(new UserDTO(name, (Boolean) row.get()[0], memberships, (Instant) row.get()[1]));
    }

    /** @return every user, by name */
    public List<UserDTO> list() {
        return store.query(c -> {
            List<String> names = Sql.list(c, "SELECT name FROM users ORDER BY name", rs -> rs.getString(1));
            List<UserDTO> out = new java.util.ArrayList<>();
            for (String n : names) {
                find(c, n).ifPresent(out::add);
            }
            return out;
        });
    }

    /**
     * @param c the transaction
     * @param name a new user's name
     * @param password the password
     * @param platformAdmin whether the user administers the platform
     * @throws SQLException on a store error
     */
    public void create(Connection c, String name, char[] password, boolean platformAdmin) throws SQLException {
        checkName(name);
        checkPassword(password);
        if (find(c, name).isPresent()) {
            throw new PlatformException(Reason.ALREADY_EXISTS, "user '" + name + "' already exists");
        }
        insert(c, name, passwords.hash(password), platformAdmin);
    }

    /**
     * @param c the transaction
     * @param name a user
     * @param password the new password
     * @throws SQLException on a store error
     */
    public void setPassword(Connection c, String name, char[] password) throws SQLException {
        checkPassword(password);
        if (Sql.update(c, "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
                passwords.hash(password), Instant.now(), name) == 0) {
            throw notFound(name);
        }
        verified.forget(name);
        if (INITIAL_ADMIN.equals(name)) {
            try {
                Files.deleteIfExists(initialPasswordFile);
            } catch (IOException e) {
                LOG.warn("Cannot delete {}, which holds the old initial password: {}", initialPasswordFile,
                        e.getMessage());
            }
        }
    }

    /**
     * @param c the transaction
     * @param name a user
     * @throws SQLException on a store error
     */
    public void delete(Connection c, String name) throws SQLException {
        UserDTO user = find(c, name).orElseThrow(() -> notFound(name));
        if (user.platformAdmin() && Sql.one(c, "SELECT COUNT(*) FROM users WHERE platform_admin = TRUE",
                rs -> rs.getLong(1)).orElse(0L) <= 1) {
            throw new PlatformException(Reason.INVALID, "'" + name + "' is the last platform admin; make another "
                    + "platform admin first");
        }
        Sql.update(c, "DELETE FROM users WHERE name = ?", name);
        verified.forget(name);
    }

    /**
     * @param c the transaction
     * @param accountId an account
     * @param name a user
     * @param role the role, or {@code null} to take the membership away
     * @return the role before, or {@code null}
     * @throws SQLException on a store error
     */
    public AccountRole setRole(Connection c, String accountId, String name, AccountRole role) throws SQLException {
        if (find(c, name).isEmpty()) {
            throw notFound(name);
        }
        AccountRole before = Sql.one(c, "SELECT role FROM memberships WHERE user_name = ? AND account_id = ?",
                rs -> AccountRole.valueOf(rs.getString(1)), name, accountId).orElse(null);
        Sql.update(c, "DELETE FROM memberships WHERE user_name = ? AND account_id = ?", name, accountId);
        if (role != null) {
            Sql.update(c, "INSERT INTO memberships(user_name, account_id, role) VALUES (?, ?, ?)", name, accountId,
                    role.name());
        }
        return before;
    }

    private void insert(Connection c, String name, String hash, boolean platformAdmin) throws SQLException {
        Instant now = Instant.now();
        Sql.update(c, "INSERT INTO users(name, password_hash, platform_admin, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?)", name, hash, platformAdmin, now, now);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith("system")) {
            throw new PlatformException(Reason.INVALID, "invalid user name '" + name + "': use 1 to 64 lower-case "
                    + "letters, digits, dots, dashes and underscores, starting with a letter (not 'system...')");
        }
    }

    private static void checkPassword(char[] password) {
        String weakness = Passwords.weakness(password);
        if (weakness != null) {
            throw new PlatformException(Reason.INVALID, "password refused: " + weakness);
        }
    }

    static PlatformException notFound(String name) {
        return new PlatformException(Reason.NOT_FOUND, "no user '" + name + "' (see stratum:user-list)");
    }

    /**
     * @param password a password to forget
     */
    public static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
