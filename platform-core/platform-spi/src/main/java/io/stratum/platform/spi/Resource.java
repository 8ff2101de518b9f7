package io.stratum.platform.spi;

import java.util.Objects;

/**
 * Something a job holds the lock of from its submission to its end: while one job holds it, a second job that asks
 * for it is refused with a concurrency error naming the first. A job may lock several (a backup locks every service
 * it saves); the locks are kept in the store, so they survive a crash with the job.
 *
 * @param type what kind of thing
 * @param id its id (a service's, an environment's or an account's)
 */
public record Resource(Type type, String id) implements Comparable<Resource> {

    /** Kinds of lockable things. */
    public enum Type {
        /** A service. */
        SERVICE,
        /** An environment. */
        ENVIRONMENT,
        /** An account: its own administrative state (not each of its services). */
        ACCOUNT
    }

    /** Checks. */
    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /**
     * @param id a service's id
     * @return the service as a resource
     */
    public static Resource service(String id) {
        return new Resource(Type.SERVICE, id);
    }

    /**
     * @param id an environment's id
     * @return the environment as a resource
     */
    public static Resource environment(String id) {
        return new Resource(Type.ENVIRONMENT, id);
    }

    /**
     * @param id an account's id
     * @return the account as a resource
     */
    public static Resource account(String id) {
        return new Resource(Type.ACCOUNT, id);
    }

    /** Locks are taken in this order, so that two jobs never wait for each other. */
    @Override
    public int compareTo(Resource o) {
        int byType = type.compareTo(o.type);
        return byType != 0 ? byType : id.compareTo(o.id);
    }
}
