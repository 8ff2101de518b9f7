package io.stratum.platform.api;

import java.util.List;

/**
 * What a job would do, shown instead of submitting it (a dry run): nothing was changed to make it.
 *
 * @param kind the job's kind
 * @param target what it would work on
 * @param phases its phases with their tasks, in order
 * @param touches the services (and environments, accounts) it would change or lock, by name
 * @param notes what else users should know (e.g. jobs it would submit and what they do)
 */
public record JobPlanDTO(String kind, String target, List<PhaseDTO> phases, List<String> touches, List<String> notes) {

    /** Copies. */
    public JobPlanDTO {
        phases = List.copyOf(phases);
        touches = List.copyOf(touches);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * One phase.
     *
     * @param name its name
     * @param tasks its tasks, in order
     */
    public record PhaseDTO(String name, List<String> tasks) {
        /** Copies. */
        public PhaseDTO {
            tasks = List.copyOf(tasks);
        }
    }
}
