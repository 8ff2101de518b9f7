package io.stratum.sme.webtier.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.Connection;
import org.junit.Test;

/** {@link ResumeInline}: a connection's resumption runs on the calling thread, everything else in the pool. */
public class ResumeInlineTest {

    @Test
    public void aConnectionRunsOnTheCallingThreadAndOtherTasksGoToThePool() {
        List<Runnable> pooled = new ArrayList<>();
        ResumeInline executor = new ResumeInline(pooled::add);
        Thread[] ranOn = new Thread[1];
        Runnable connection = (Runnable) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class, Runnable.class}, (proxy, method, args) -> {
                    if (method.getName().equals("run")) {
                        ranOn[0] = Thread.currentThread();
                    }
                    return null;
                });
        executor.execute(connection);
        assertSame("resumed at once, on this thread", Thread.currentThread(), ranOn[0]);
        assertEquals(List.of(), pooled);

        Runnable selectorLoop = () -> { };
        executor.execute(selectorLoop);
        assertEquals("a task that is no connection (a selector, an acceptor) goes to the pool", List.of(selectorLoop),
                pooled);
    }
}
