package io.stratum.platform.spi;

import io.stratum.platform.api.Caller;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A job to submit through {@link Jobs#submit}: built with {@link #of} and the {@code with} methods. */
public final class JobRequest {
    private final String kind;
    private final String accountId;
    private final String target;
    private final Map<String, String> params;
    private final Set<Resource> locks;
    private final Caller requester;
    private final String serviceId;

    private JobRequest(String kind, String accountId, String target, Map<String, String> params, Set<Resource> locks,
            Caller requester, String serviceId) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.accountId = accountId;
        this.target = Objects.requireNonNull(target, "target");
        this.params = Map.copyOf(params);
        this.locks = Set.copyOf(locks);
        this.requester = Objects.requireNonNull(requester, "requester");
        this.serviceId = serviceId;
    }

    /**
     * @param kind the job kind
     * @param target what it works on, for users
     * @param requester who asks (recorded in the job's audit trail)
     * @return a request without account, parameters or locks
     */
    public static JobRequest of(String kind, String target, Caller requester) {
        return new JobRequest(kind, null, target, Map.of(), Set.of(), requester, null);
    }

    /**
     * @param id the id of the account the job works for
     * @return a copy
     */
    public JobRequest account(String id) {
        return new JobRequest(kind, id, target, params, locks, requester, serviceId);
    }

    /**
     * @param key a parameter's key
     * @param value its value
     * @return a copy with that parameter
     */
    public JobRequest param(String key, String value) {
        Map<String, String> p = new TreeMap<>(params);
        p.put(key, Objects.requireNonNull(value, key));
        return new JobRequest(kind, accountId, target, p, locks, requester, serviceId);
    }

    /**
     * @param resources what the job locks (added to those already asked for)
     * @return a copy
     */
    public JobRequest lock(Set<Resource> resources) {
        Set<Resource> l = new TreeSet<>(locks);
        l.addAll(resources);
        return new JobRequest(kind, accountId, target, params, l, requester, serviceId);
    }

    /**
     * Makes the job a job of one service: it locks the service, and it is listed among the service's jobs (as its
     * create, scale or delete are), so that its state changes are the service's events.
     *
     * @param id the service's id
     * @return a copy
     */
    public JobRequest service(String id) {
        Set<Resource> l = new TreeSet<>(locks);
        l.add(Resource.service(Objects.requireNonNull(id, "id")));
        return new JobRequest(kind, accountId, target, params, l, requester, id);
    }

    /** @return the service the job is a job of, or {@code null} */
    public String serviceId() {
        return serviceId;
    }

    /** @return the kind */
    public String kind() {
        return kind;
    }

    /** @return the account's id, or {@code null} */
    public String accountId() {
        return accountId;
    }

    /** @return the target */
    public String target() {
        return target;
    }

    /** @return the parameters */
    public Map<String, String> params() {
        return params;
    }

    /** @return what the job locks */
    public Set<Resource> locks() {
        return locks;
    }

    /** @return who asks */
    public Caller requester() {
        return requester;
    }
}
