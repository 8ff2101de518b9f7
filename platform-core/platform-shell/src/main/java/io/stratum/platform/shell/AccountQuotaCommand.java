package io.stratum.platform.shell;

import io.stratum.platform.api.AccountDTO;
import io.stratum.platform.api.QuotaDTO;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Shows or sets an account's quota. */
@Command(scope = "stratum", name = "account-quota", description = "Shows an account's quota and usage; with options, "
        + "sets limits (platform admins only; -1 removes a limit)")
@Service
public class AccountQuotaCommand extends StratumCommand {

    @Argument(index = 0, name = "account", required = true, description = "The account")
    @Completion(AccountCompleter.class)
    String account;

    @Argument(index = 1, name = "options", multiValued = true, description = TRAILING)
    List<String> trailing;

    @Option(name = "--services", description = "Most services the account may have (-1: no limit)")
    Integer services;

    @Option(name = "--instances", description = "Most runtime instances (processes) of all its services (-1: no "
            + "limit)")
    Integer instances;

    @Option(name = "--memory-mb", description = "Most memory (MiB) its runtimes may be given in all: plan heap times "
            + "instances (-1: no limit)")
    Long memoryMb;

    @Override
    protected Object run() {
        AccountDTO a = platform.getAccount(account);
        if (services != null || instances != null || memoryMb != null) {
            QuotaDTO q = a.quota();
            a = platform.setQuota(account, new QuotaDTO(services != null ? services : q.maxServices(),
                    instances != null ? instances : q.maxInstances(), memoryMb != null ? memoryMb : q.maxMemoryMb()));
            out.println("Quota of '" + a.name() + "' set.");
        }
        out.printf("%-14s %s%n", "Services:", AccountListCommand.used(a.usage().maxServices(), a.quota().maxServices()));
        out.printf("%-14s %s%n", "Instances:", AccountListCommand.used(a.usage().maxInstances(),
                a.quota().maxInstances()));
        out.printf("%-14s %s%n", "Memory (MiB):", AccountListCommand.used(a.usage().maxMemoryMb(),
                a.quota().maxMemoryMb()));
        return null;
    }
}
