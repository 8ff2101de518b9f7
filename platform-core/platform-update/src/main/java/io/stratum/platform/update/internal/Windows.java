package io.stratum.platform.update.internal;

import io.stratum.platform.api.MaintenanceWindowDTO;
import io.stratum.platform.api.MaintenanceWindowRequest;
import io.stratum.platform.api.PlatformException;
import io.stratum.platform.api.PlatformException.Reason;
import io.stratum.platform.spi.ManagedService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Maintenance windows: a service's own (set by its owner, kept by {@link UpdateStore}) or the configured default
 * ({@link UpdateConfig#frame()}, {@link UpdateConfig#slots()}, {@link UpdateConfig#zone()}; slot 1 assigned). Soft
 * updates run in the frame, hard and rolling ones in the chosen slot: {@link #notBefore} is the start of the next one
 * (now, if it is open).
 */
@Component(service = Windows.class, configurationPid = UpdateConfig.PID)
public final class Windows {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,;<>]+@[^@\\s,;<>]+\\.[^@\\s,;<>]+");

    private final UpdateStore store;
    private final Clock clock;
    private final String frame;
    private final String zone;
    private final List<String> slots;

    /**
     * @param store the store
     * @param config the defaults
     */
    @Activate
    public Windows(@Reference UpdateStore store, UpdateConfig config) {
        this(store, Clock.systemUTC(), config.frame(), config.zone(), List.of(config.slots()));
    }

    /**
     * @param store the store
     * @param clock the time
     * @param frame the default frame
     * @param zone the default zone
     * @param slots the default slots
     * @throws IllegalArgumentException naming the configuration file, if a default is wrong
     */
    public Windows(UpdateStore store, Clock clock, String frame, String zone, List<String> slots) {
        this.store = store;
        this.clock = clock;
        try {
            this.frame = Frame.parse(frame).format();
            this.zone = Frame.zone(zone).getId();
            if (slots.size() != 3) {
                throw new IllegalArgumentException("slots must name three frames, not " + slots.size());
            }
            this.slots = slots.stream().map(s -> Frame.parse(s).format()).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in etc/" + UpdateConfig.PID + ".cfg)", e);
        }
    }

    /**
     * @param s a service
     * @return its window, with when the frame and slot next begin
     */
    public MaintenanceWindowDTO window(ManagedService s) {
        UpdateStore.WindowRow w = row(s);
        boolean isDefault = store.window(s.id()).isEmpty();
        ZoneId z = ZoneId.of(w.zone());
        Instant now = clock.instant();
        return new MaintenanceWindowDTO(s.name(), w.frame(), w.zone(), w.slots(), w.chosenSlot(), w.slotAssigned(),
                w.notifyEmail(), Frame.parse(w.frame()).next(now, z),
                Frame.parse(w.slots().get(w.chosenSlot() - 1)).next(now, z), isDefault);
    }

    /**
     * @param s a service
     * @param mode how an update of it runs
     * @return when it may run: the start of the next frame (SOFT) or chosen slot (HARD, ROLLING); now if it is open
     */
    public Instant notBefore(ManagedService s, String mode) {
        MaintenanceWindowDTO w = window(s);
        return UpdateJob.SOFT.equals(mode) ? w.nextFrame() : w.nextSlot();
    }

    /**
     * @param s a service
     * @return the address told of its hard updates, or {@code ""}
     */
    public String notifyEmail(ManagedService s) {
        return row(s).notifyEmail();
    }

    private UpdateStore.WindowRow row(ManagedService s) {
        return store.window(s.id()).orElseGet(() -> new UpdateStore.WindowRow(s.id(), s.accountId(), frame, zone,
                slots, 1, true, ""));
    }

    /**
     * Sets a service's window; what the request leaves {@code null} stays as it is.
     *
     * @param s the service
     * @param setBy who sets it
     * @param r the request
     * @return the window
     * @throws PlatformException INVALID naming every problem, with the grammar of frames
     */
    public MaintenanceWindowDTO set(ManagedService s, String setBy, MaintenanceWindowRequest r) {
        if (r == null) {
            throw new PlatformException(Reason.INVALID, "no window given");
        }
        UpdateStore.WindowRow w = row(s);
        List<String> problems = new ArrayList<>();
        String newFrame = w.frame();
        if (r.frame() != null) {
            try {
                newFrame = Frame.parse(r.frame()).format();
            } catch (IllegalArgumentException e) {
                problems.add("frame: " + e.getMessage());
            }
        }
        String newZone = w.zone();
        if (r.zone() != null) {
            try {
                newZone = Frame.zone(r.zone()).getId();
            } catch (IllegalArgumentException e) {
                problems.add("zone: " + e.getMessage());
            }
        }
        List<String> newSlots = w.slots();
        if (r.slots() != null) {
            if (r.slots().size() != 3) {
                problems.add("slots: give three frames, not " + r.slots().size() + "; " + Frame.GRAMMAR);
            } else {
                List<String> parsed = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    try {
                        parsed.add(Frame.parse(r.slots().get(i)).format());
                    } catch (IllegalArgumentException e) {
                        problems.add("slot " + (i + 1) + ": " + e.getMessage());
                    }
                }
                newSlots = parsed.size() == 3 ? parsed : newSlots;
            }
        }
        int chosen = w.chosenSlot();
        boolean assigned = w.slotAssigned();
        if (r.chosenSlot() != null) {
            if (r.chosenSlot() < 1 || r.chosenSlot() > 3) {
                problems.add("chosenSlot: choose slot 1, 2 or 3, not " + r.chosenSlot());
            } else {
                chosen = r.chosenSlot();
                assigned = false;
            }
        }
        String email = w.notifyEmail();
        if (r.notifyEmail() != null) {
            email = r.notifyEmail().strip();
            if (!email.isEmpty() && !EMAIL.matcher(email).matches()) {
                problems.add("notifyEmail: '" + email + "' is not an email address (e.g. ops@example.com; \"\" for "
                        + "none)");
            }
        }
        if (!problems.isEmpty()) {
            throw new PlatformException(Reason.INVALID, "the maintenance window of '" + s.name() + "' was not "
                    + "changed: " + String.join("; ", problems));
        }
        store.saveWindow(new UpdateStore.WindowRow(s.id(), s.accountId(), newFrame, newZone, newSlots, chosen,
                assigned, email), setBy, clock.instant());
        return window(s);
    }
}
