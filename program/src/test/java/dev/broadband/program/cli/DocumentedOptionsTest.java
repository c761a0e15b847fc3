package dev.broadband.program.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.testbed.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option tables of the docs against the program's own parser: every option a table names exists, and every
 * option the program has is in its table, so docs and program cannot drift apart.
 */
class DocumentedOptionsTest {
    private static final Pattern OPTION = Pattern.compile("`(--[a-z][a-z0-9-]*)");

    /** The options named in the first column of the first table after {@code heading}. */
    private static Set<String> documented(Path file, String heading) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int i = lines.indexOf(heading);
        assertThat(i).as("%s has a line '%s'", file, heading).isNotNegative();
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        Set<String> options = new TreeSet<>();
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String firstColumn = lines.get(i).split("(?<!\\\\)\\|")[1];
            Matcher m = OPTION.matcher(firstColumn);
            while (m.find()) {
                options.add(m.group(1));
            }
        }
        return options;
    }

    private static Set<String> programs(String command) {
        Set<String> options = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new Main()).getSubcommands().get(command).getCommandSpec().options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                options.add(o.longestName());
            }
        }
        return options;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"README.md, ### server, server", "README.md, ### client, client",
            "docs/agent.md, # The node agent, agent"})
    void everyOptionInTheTableIsTheProgramsAndEveryOptionOfTheProgramIsInTheTable(String file, String heading,
                                                                                 String command) throws IOException {
        assertThat(documented(Segment.ROOT.resolve(file), heading)).isEqualTo(programs(command));
    }
}
