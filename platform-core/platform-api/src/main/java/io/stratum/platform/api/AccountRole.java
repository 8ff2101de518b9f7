package io.stratum.platform.api;

/** What a user may do in one account. Platform administrators may do everything in every account. */
public enum AccountRole {
    /** Read only: lists, details, jobs, history; no credentials. */
    VIEWER,
    /** Create, change and delete the account's services and environments; see their credentials. */
    MEMBER,
    /** A member who also manages the account's members. */
    ADMIN;

    /** @return whether this role may create, change and delete services and environments */
    public boolean canMutate() {
        return this != VIEWER;
    }
}
