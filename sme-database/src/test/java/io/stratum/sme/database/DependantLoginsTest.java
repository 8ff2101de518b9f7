package io.stratum.sme.database;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.sme.database.DependantLogins.Login;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** How a restore pairs the backup's dependants with those of the service it restores into. */
public class DependantLoginsTest {

    private static Login login(String id, String name, String type) {
        return new Login(id, name, type, "S_" + name.toUpperCase().replace('-', '_') + "_" + id.toUpperCase());
    }

    @Test
    public void theSameServiceIsPairedFirst() {
        Login app = login("a1", "notes-app", "appserver");
        Login other = login("b1", "reports", "appserver");
        Map<Login, Login> pairs = DependantLogins.match(List.of(app, other), List.of(other, app));
        assertEquals(Map.of(app, app, other, other), pairs);
    }

    @Test
    public void theSameNameIsPairedInAnAccountClone() {
        Login app = login("a1", "notes-app", "appserver");
        Login reports = login("b1", "reports", "appserver");
        Login appClone = login("c1", "notes-app", "appserver");
        Login reportsClone = login("d1", "reports", "appserver");
        assertEquals(Map.of(appClone, app, reportsClone, reports),
                DependantLogins.match(List.of(app, reports), List.of(reportsClone, appClone)));
    }

    @Test
    public void theOnlyOneOfItsTypeOnEachSideIsPaired() {
        Login app = login("a1", "notes-app", "appserver");
        Login clone = login("c1", "totally-different", "appserver");
        assertEquals(Map.of(clone, app), DependantLogins.match(List.of(app), List.of(clone)));
    }

    @Test
    public void otherwiseTheNamesMostAlikeArePaired() {
        Login app = login("a1", "notes-app", "appserver");
        Login admin = login("a2", "notes-admin", "appserver");
        Login appClone = login("c1", "notes2-app", "appserver");
        Login adminClone = login("c2", "notes2-admin", "appserver");
        assertEquals(Map.of(appClone, app, adminClone, admin),
                DependantLogins.match(List.of(app, admin), List.of(adminClone, appClone)));
    }

    @Test
    public void aTieOrAnotherTypeIsLeftUnpaired() {
        Login one = login("a1", "app-x", "appserver");
        Login two = login("a2", "app-y", "appserver");
        Login clone = login("c1", "app-z", "appserver");
        Login second = login("c2", "copy", "appserver");
        assertTrue(DependantLogins.match(List.of(one, two), List.of(clone, second)).isEmpty());
        Login batch = login("b1", "notes-app", "batch");
        assertTrue(DependantLogins.match(List.of(batch), List.of(login("c3", "notes-app", "appserver"))).isEmpty());
    }

    @Test
    public void theBackupsListKeepsEveryField() throws Exception {
        List<Login> logins = List.of(login("a1", "notes-app", "appserver"), new Login(null, null, null, "S_OLD_1234"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DependantLogins.write(logins, out);
        assertEquals(logins, DependantLogins.read(new ByteArrayInputStream(out.toByteArray())));
    }
}
