package io.stratum.platform.api;

import java.util.List;

/**
 * A change of a service's maintenance window; {@code null} keeps what is set. Frames are written
 * {@code <days> <HH:mm>/<length>}: {@code daily 02:00/2h}, {@code Mon-Fri 22:30/90m}, {@code Sat,Sun 03:00/4h}.
 *
 * @param frame the recurring frame in which updates run
 * @param zone the time zone of the frames (e.g. {@code Europe/Berlin}, {@code UTC})
 * @param slots the three frames offered for hard updates
 * @param chosenSlot which slot hard updates run in (1 to 3)
 * @param notifyEmail an email address told when a hard update is scheduled, or {@code ""} for none
 */
public record MaintenanceWindowRequest(String frame, String zone, List<String> slots, Integer chosenSlot,
        String notifyEmail) {

    /** Copies the slots. */
    public MaintenanceWindowRequest {
        slots = slots == null ? null : List.copyOf(slots);
    }
}
