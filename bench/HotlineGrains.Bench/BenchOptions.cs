using System.Globalization;

namespace HotlineGrains.Bench;

/// <summary>Command-line settings. Plain parsing: <c>--name value</c>, <c>--name=value</c> or a bare flag.</summary>
internal sealed class BenchOptions
{
    public const string PostgresVariable = "HOTLINE_TEST_POSTGRES";
    public const string PgBinVariable = "HOTLINE_PG_BIN";

    public static readonly string[] AllParts = ["turns", "pgbench", "raw", "reminders", "outbox", "wallboard"];

    /// <summary>The arguments as given, for the "command used" line of the report.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public double Seconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 2;

    public IReadOnlyList<int> Callers { get; private set; } = [1, 16, 64];

    public int ContendedCallers { get; private set; } = 16;

    public IReadOnlyList<string> Providers { get; private set; } = ["Sqlite", "Postgres"];

    public IReadOnlyList<string> Modes { get; private set; } = ["Optimistic", "RowLock"];

    /// <summary>
    /// Modes measured on SQLite. Only Optimistic by default: SQLite has no row locks (RowLock there
    /// just re-reads the state in every turn) and one process per file, so the choice is PostgreSQL's.
    /// </summary>
    public IReadOnlyList<string> SqliteModes { get; private set; } = ["Optimistic"];

    public HashSet<string> Parts { get; private set; } = new(AllParts, StringComparer.OrdinalIgnoreCase);

    public int PgbenchScale { get; private set; } = 10;

    public int Reminders { get; private set; } = 100_000;

    public int RemindersPerGrain { get; private set; } = 10;

    public int MeasuredReminders { get; private set; } = 2_000;

    /// <summary>Reminders all due at one moment after the spread set, to see how fast a backlog goes.</summary>
    public int BurstReminders { get; private set; } = 2_000;

    /// <summary>The first measured reminder is due this long after the measured set starts registering.</summary>
    public double ReminderLeadSeconds { get; private set; } = 10;

    /// <summary>The measured reminders are due evenly over this window after the lead.</summary>
    public double ReminderSpreadSeconds { get; private set; } = 20;

    /// <summary>How long after the last due time to wait for stragglers.</summary>
    public double ReminderDrainSeconds { get; private set; } = 30;

    public int RegisterParallelism { get; private set; } = 32;

    public IReadOnlyList<string> ReminderProviders { get; private set; } = ["Postgres", "Sqlite"];

    public int OutboxEvents { get; private set; } = 20_000;

    /// <summary>Wallboard hub clients connected at once, each joined to the measured project.</summary>
    public int WallboardClients { get; private set; } = 500;

    /// <summary>Changes of each kind (ticket intakes, presence changes) whose way to every screen is timed.</summary>
    public int WallboardChanges { get; private set; } = 100;

    /// <summary>Presence changes after the ticket intakes; 0 leaves that series out.</summary>
    public int WallboardPresenceChanges { get; private set; } = 100;

    /// <summary>One change is sent every this many milliseconds.</summary>
    public double WallboardIntervalMs { get; private set; } = 200;

    /// <summary>
    /// The gateway's <c>Outbox:PollInterval</c> for each wallboard run, in order; null runs it with
    /// the shipped default (the setting left out). A value given more than once is run that many
    /// times: the tail of a latency varies from run to run more than a throughput does.
    /// </summary>
    public IReadOnlyList<TimeSpan?> WallboardPollIntervals { get; private set; } = [null, null, null, TimeSpan.FromMilliseconds(50)];

    /// <summary>Cores other processes may use during a measurement before it is taken again.</summary>
    public double NoiseLimit { get; private set; } = 0.15;

    public int Retries { get; private set; } = 1;

    public double QuietWaitSeconds { get; private set; } = 30;

    public bool WriteDocs { get; private set; }

    public string? DocsPath { get; private set; }

    public string? PostgresAdmin { get; private set; } = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } pg ? pg : null;

    public string PgBin { get; private set; } = Environment.GetEnvironmentVariable(PgBinVariable) is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    public bool Help { get; private set; }

    public bool UsesPostgres =>
        (Parts.Contains("turns") && Providers.Contains("Postgres"))
        || Parts.Contains("pgbench")
        || Parts.Contains("raw")
        || (Parts.Contains("reminders") && ReminderProviders.Contains("Postgres"))
        || (Parts.Contains("outbox") && Providers.Contains("Postgres"));

    public const string Usage = """
        HotlineGrains.Bench: grain-runtime benchmarks on SQLite and PostgreSQL.

          dotnet run -c Release --project bench/HotlineGrains.Bench -- [options]

        Options (defaults in brackets):
          --seconds N              measured duration of each throughput cell [10]
          --warmup N               warm-up before each cell, same load, not counted [2]
          --callers 1,16,64        concurrent callers, each on its own grain [1,16,64]
          --contended N            callers on ONE grain for the contended cells [16]
          --providers Sqlite,Postgres   storage providers for turns and outbox [both]
          --modes Optimistic,RowLock    Silo:Concurrency modes on PostgreSQL [both]
          --sqlite-modes MODES     Silo:Concurrency modes on SQLite [Optimistic]
          --only turns,pgbench,raw,reminders,outbox,wallboard   parts to run [all]
                                   (raw: the SQL of a turn sent straight through Npgsql;
                                   wallboard: the gateway as a process, hub clients, no database server)
          --skip PARTS             parts not to run
          --pgbench-scale N        pgbench -i scale [10]
          --reminders N            reminders registered in total [100000]
          --reminders-per-grain N  reminders per grain [10]
          --measured N             of those, due soon (spread over a window) and measured [2000]
          --burst N                of those, due all at one moment 3 s after the window [2000]
          --reminder-lead S        first measured reminder due S seconds after they are set [10]
          --reminder-spread S      measured reminders due evenly over S seconds [20]
          --reminder-drain S       wait at most S seconds after the last due time [30]
          --reminder-providers P   providers for the reminder test [Postgres,Sqlite]
          --register-parallelism N concurrent turns registering reminders [32]
          --outbox-events N        events relayed in the outbox test [20000]
          --wallboard-clients N    wallboard hub clients connected at once [500]
          --wallboard-changes N    ticket intakes timed to every client's screen [100]
          --wallboard-presence-changes N   presence changes timed after them, 0 for none [100]
          --wallboard-interval MS  one change every MS milliseconds [200]
          --wallboard-poll LIST    one run per item, a fresh gateway each, with its
                                   Outbox:PollInterval in ms; "default" leaves the setting out
                                   [default,default,default,50]
          --postgres CONNSTR       admin connection string [$HOTLINE_TEST_POSTGRES]
          --pg-bin DIR             directory holding pgbench [$HOTLINE_PG_BIN or /usr/lib/postgresql/15/bin]
          --noise-limit C          a cell during which other processes used more than C cores
                                   (builds, tests, other databases) is measured again [0.15]
          --retries N              extra attempts at such a cell; the least disturbed is kept [1]
          --quiet-wait S           wait up to S s for the machine to be quiet before each cell [30]
          --write-docs             (re)write docs/benchmarks.md with the results; with --only wallboard
                                   only the wallboard section is replaced, and a run without that
                                   part keeps the section already in the file
          --docs PATH              write the report there instead
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions { Arguments = args };
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'. Try --help.");
            }

            var name = arg[2..];
            string? inline = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"--{name} needs a value.");
                }

                return args[++i];
            }

            switch (name.ToLowerInvariant())
            {
                case "help" or "h": options.Help = true; break;
                case "seconds": options.Seconds = PositiveDouble(name, Value()); break;
                case "warmup": options.WarmupSeconds = NonNegativeDouble(name, Value()); break;
                case "callers": options.Callers = IntList(name, Value()); break;
                case "contended": options.ContendedCallers = Int(name, Value(), 0); break;
                case "providers": options.Providers = ProviderList(Value()); break;
                case "modes": options.Modes = ModeList(Value()); break;
                case "sqlite-modes": options.SqliteModes = ModeList(Value()); break;
                case "only": options.Parts = PartSet(Value()); break;
                case "skip": options.Parts.ExceptWith(PartSet(Value())); break;
                case "pgbench-scale": options.PgbenchScale = Int(name, Value(), 1); break;
                case "reminders": options.Reminders = Int(name, Value(), 1); break;
                case "reminders-per-grain": options.RemindersPerGrain = Int(name, Value(), 1); break;
                case "measured": options.MeasuredReminders = Int(name, Value(), 1); break;
                case "burst": options.BurstReminders = Int(name, Value(), 0); break;
                case "reminder-lead": options.ReminderLeadSeconds = PositiveDouble(name, Value()); break;
                case "reminder-spread": options.ReminderSpreadSeconds = NonNegativeDouble(name, Value()); break;
                case "reminder-drain": options.ReminderDrainSeconds = NonNegativeDouble(name, Value()); break;
                case "reminder-providers": options.ReminderProviders = ProviderList(Value()); break;
                case "register-parallelism": options.RegisterParallelism = Int(name, Value(), 1); break;
                case "outbox-events": options.OutboxEvents = Int(name, Value(), 1); break;
                case "wallboard-clients": options.WallboardClients = Int(name, Value(), 1); break;
                case "wallboard-changes": options.WallboardChanges = Int(name, Value(), 1); break;
                case "wallboard-presence-changes": options.WallboardPresenceChanges = Int(name, Value(), 0); break;
                case "wallboard-interval": options.WallboardIntervalMs = PositiveDouble(name, Value()); break;
                case "wallboard-poll": options.WallboardPollIntervals = PollList(name, Value()); break;
                case "postgres": options.PostgresAdmin = Value(); break;
                case "pg-bin": options.PgBin = Value(); break;
                case "noise-limit": options.NoiseLimit = PositiveDouble(name, Value()); break;
                case "retries": options.Retries = Int(name, Value(), 0); break;
                case "quiet-wait": options.QuietWaitSeconds = NonNegativeDouble(name, Value()); break;
                case "write-docs": options.WriteDocs = true; break;
                case "docs": options.DocsPath = Value(); options.WriteDocs = true; break;
                default: throw new ArgumentException($"Unknown option --{name}. Try --help.");
            }
        }

        if (options.MeasuredReminders > options.Reminders)
        {
            throw new ArgumentException("--measured cannot exceed --reminders.");
        }

        if (options.MeasuredReminders + options.BurstReminders > (options.Reminders + options.RemindersPerGrain - 1) / options.RemindersPerGrain)
        {
            throw new ArgumentException("--measured + --burst cannot exceed the number of reminder grains (--reminders / --reminders-per-grain): each measured reminder has a grain of its own.");
        }

        return options;
    }

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"--{name} must be an integer >= {min}, not '{value}'.");

    private static double PositiveDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? d
            : throw new ArgumentException($"--{name} must be a number > 0, not '{value}'.");

    private static double NonNegativeDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0
            ? d
            : throw new ArgumentException($"--{name} must be a number >= 0, not '{value}'.");

    private static int[] IntList(string name, string value) =>
        Split(value).Select(v => Int(name, v, 1)).Distinct().ToArray();

    private static TimeSpan?[] PollList(string name, string value) =>
        Split(value).Select(v => v.Equals("default", StringComparison.OrdinalIgnoreCase)
            ? (TimeSpan?)null
            : TimeSpan.FromMilliseconds(PositiveDouble(name, v))).ToArray();

    private static string[] ProviderList(string value) =>
        Split(value).Select(p => p.ToLowerInvariant() switch
        {
            "sqlite" => "Sqlite",
            "postgres" or "postgresql" or "pg" => "Postgres",
            _ => throw new ArgumentException($"Unknown provider '{p}' (Sqlite, Postgres)."),
        }).Distinct().ToArray();

    private static string[] ModeList(string value) =>
        Split(value).Select(m => m.ToLowerInvariant() switch
        {
            "optimistic" => "Optimistic",
            "rowlock" => "RowLock",
            _ => throw new ArgumentException($"Unknown mode '{m}' (Optimistic, RowLock)."),
        }).Distinct().ToArray();

    private static HashSet<string> PartSet(string value)
    {
        var parts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in Split(value))
        {
            if (!AllParts.Contains(part, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Unknown part '{part}' ({string.Join(", ", AllParts)}).");
            }

            parts.Add(part);
        }

        return parts;
    }

    private static string[] Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
