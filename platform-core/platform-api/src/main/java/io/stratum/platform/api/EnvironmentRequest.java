package io.stratum.platform.api;

/**
 * An environment's description, as the text of a JSON or YAML document:
 * <pre>
 * name: notes
 * services:
 *   - name: notes-db
 *     type: database
 *     plan: small
 *   - name: notes-lb
 *     type: webtier
 *   - name: notes-app
 *     type: appserver
 *     config: { war: "${envDir}/notes.war", instances: "2" }
 *     providers: { database: notes-db, webtier: notes-lb }
 * </pre>
 * {@code ${envDir}} in configuration values stands for {@link #baseDirectory()}. A provider may also be a service
 * of the account outside the environment.
 *
 * @param account the owning account's name ({@code null}: the document's {@code account}, else default)
 * @param document the JSON or YAML text
 * @param baseDirectory the directory the document came from, for {@code ${envDir}}; may be {@code null}
 */
public record EnvironmentRequest(String account, String document, String baseDirectory) {
}
