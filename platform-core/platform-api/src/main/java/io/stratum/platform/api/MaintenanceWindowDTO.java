package io.stratum.platform.api;

import java.time.Instant;
import java.util.List;

/**
 * A service's maintenance window: soft updates run in its recurring frame, hard updates in the slot chosen among the
 * three offered (the update manager assigns the first until the service's owner chooses).
 *
 * @param service the service's name
 * @param frame the recurring frame, e.g. {@code daily 02:00/2h}
 * @param zone the time zone of the frames
 * @param slots the three frames offered for hard updates
 * @param chosenSlot the slot hard updates run in (1 to 3)
 * @param slotAssigned whether the update manager assigned the slot (nobody chose one)
 * @param notifyEmail the email address told of scheduled hard updates, or {@code ""}
 * @param nextFrame when the frame next begins (now, if it is open)
 * @param nextSlot when the chosen slot next begins (now, if it is open)
 * @param isDefault whether this is the platform's default window (none was set for the service)
 */
public record MaintenanceWindowDTO(String service, String frame, String zone, List<String> slots, int chosenSlot,
        boolean slotAssigned, String notifyEmail, Instant nextFrame, Instant nextSlot, boolean isDefault) {

    /** Copies the slots. */
    public MaintenanceWindowDTO {
        slots = List.copyOf(slots);
    }
}
