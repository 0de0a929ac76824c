using System.Globalization;

namespace HotlineGrains.Bench;

/// <summary>Command-line settings. Plain parsing: <c>--name value</c>, <c>--name=value</c> or a bare flag.</summary>
internal sealed class BenchOptions
{
    public const string PostgresVariable = "HOTLINE_TEST_POSTGRES";
    public const string PgBinVariable = "HOTLINE_PG_BIN";

    /// <summary>The Npgsql setting the breakdown tries: keep a pooled connection's session as it is instead of sending DISCARD ALL before its next use.</summary>
    public const string NoResetOnClose = "No Reset On Close=true";

    public static readonly string[] AllParts = ["turns", "pgbench", "raw", "effects", "breakdown", "reminders", "outbox", "startup", "wallboard", "hubclients", "floor", "reports", "console"];

    /// <summary>The arguments as given, for the "command used" line of the report.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public double Seconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 2;

    /// <summary>An unmeasured pass per provider before the first cell, so .NET's tiered compilation is done; 0 for none.</summary>
    public double JitWarmupSeconds { get; private set; } = 5;

    public IReadOnlyList<int> Callers { get; private set; } = [1, 16, 64];

    public int ContendedCallers { get; private set; } = 16;

    public IReadOnlyList<string> Providers { get; private set; } = ["Sqlite", "Postgres"];

    public HashSet<string> Parts { get; private set; } = new(AllParts, StringComparer.OrdinalIgnoreCase);

    public int PgbenchScale { get; private set; } = 10;

    /// <summary>Reminders registered in all on PostgreSQL (over <see cref="ReminderSilos"/> silos).</summary>
    public int Reminders { get; private set; } = 1_000_000;

    /// <summary>Reminders registered in all on SQLite (one silo).</summary>
    public int SqliteReminders { get; private set; } = 100_000;

    /// <summary>Silos of one cluster for the PostgreSQL reminder measurement (in this process).</summary>
    public int ReminderSilos { get; private set; } = 2;

    /// <summary>
    /// How many of the PostgreSQL bulk are registered through grain turns (the product's way); the
    /// rest go straight into the reminder table through Orleans' IReminderTable, which is faster.
    /// SQLite's bulk always goes through turns.
    /// </summary>
    public int ReminderTurns { get; private set; } = 100_000;

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

    /// <summary>Orleans' <c>ReminderOptions.RefreshReminderListPeriod</c> in seconds; null leaves Orleans' default (5 minutes).</summary>
    public double? ReminderRefreshSeconds { get; private set; }

    public int RegisterParallelism { get; private set; } = 32;

    /// <summary>Providers whose reminder part also measures a round placed around a refresh of a silo's reminder list.</summary>
    public IReadOnlyList<string> RefreshRound { get; private set; } = ["Postgres"];

    public IReadOnlyList<string> ReminderProviders { get; private set; } = ["Postgres", "Sqlite"];

    public int OutboxEvents { get; private set; } = 20_000;

    /// <summary>Starts of the gateway timed by the start-up part; the first is reported apart (cold).</summary>
    public int StartupRuns { get; private set; } = 6;

    /// <summary>Wallboard hub clients connected at once, each joined to the measured project.</summary>
    public int WallboardClients { get; private set; } = 500;

    /// <summary>How many hub clients of each kind the hubclients part holds at once, one count after another.</summary>
    public IReadOnlyList<int> HubClientCounts { get; private set; } = [1000, 2500, 5000];

    /// <summary>Screens the floor part connects, split over its two gateway processes.</summary>
    public int FloorScreens { get; private set; } = 5_000;

    /// <summary>Open tickets on the floor part's board before its changes start.</summary>
    public int FloorOpenTickets { get; private set; } = 10_000;

    /// <summary>Changes (ticket intakes) the floor part sends per second, for <see cref="FloorSeconds"/>.</summary>
    public double FloorChangesPerSecond { get; private set; } = 20;

    public double FloorSeconds { get; private set; } = 60;

    /// <summary>
    /// Seconds of changes at the same rate, with the screens joined, before the timed ones: a
    /// gateway's first minute of a new kind of work is spent compiling it (tiered JIT), which a
    /// node on a shift has long done. 0 times the first changes too.
    /// </summary>
    public double FloorWarmupSeconds { get; private set; } = 30;

    /// <summary>
    /// The client holding the floor part's screens. The lean one: the official client's CPU per
    /// message, on the cores the gateways share, would be measured instead of the gateways.
    /// </summary>
    public FloorClient FloorClient { get; private set; } = FloorClient.Lean;

    /// <summary>Agents on the floor part's project, who receive its tickets in turn.</summary>
    public int FloorAgents { get; private set; } = 400;

    /// <summary>Rows each floor screen asks for (JoinLive), as a wall display does.</summary>
    public int FloorRows { get; private set; } = 100;

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
    public IReadOnlyList<TimeSpan?> WallboardPollIntervals { get; private set; } = [null, null, null];

    /// <summary>Cores other processes may use during a measurement before it is taken again.</summary>
    public double NoiseLimit { get; private set; } = 0.15;

    public int Retries { get; private set; } = 1;

    public double QuietWaitSeconds { get; private set; } = 30;

    public bool WriteDocs { get; private set; }

    public string? DocsPath { get; private set; }

    public string? PostgresAdmin { get; private set; } = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } pg ? pg : null;

    public string PgBin { get; private set; } = Environment.GetEnvironmentVariable(PgBinVariable) is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    public bool Help { get; private set; }

    /// <summary>The caller count the throughput goal is read at: 64, or the most callers measured.</summary>
    public int GoalCallers => Callers.Contains(64) ? 64 : Callers.Max();

    public bool UsesPostgres =>
        (Parts.Contains("turns") && Providers.Contains("Postgres"))
        || Parts.Contains("pgbench")
        || Parts.Contains("raw")
        || Parts.Contains("effects")
        || Parts.Contains("breakdown")
        || (Parts.Contains("reminders") && ReminderProviders.Contains("Postgres"))
        || (Parts.Contains("outbox") && Providers.Contains("Postgres"))
        || Parts.Contains("reports");

    public const string Usage = """
        HotlineGrains.Bench: the hotline's grains on Orleans, on SQLite and PostgreSQL; the gateway's
        wallboard and start-up.

          dotnet run -c Release --project bench/HotlineGrains.Bench -- [options]

        Parts (--only / --skip):
          turns      counter turns/s and latency: 1,16,64 callers on grains of their own (SQLite and
                     PostgreSQL), 16 callers on ONE grain, and on PostgreSQL 16 on one grain from 2 silos
          pgbench    pgbench -N at the same client counts, interleaved with the PostgreSQL turn cells
          raw        the project's write function (WriteToStorageKey) called straight through Npgsql
          effects    PostgreSQL turns that also raise an event and write a read-model row, relay off and on
          breakdown  where a PostgreSQL turn's time goes: a query and a turn that writes nothing at the
                     goal's callers, statements per turn, the JSON of a turn
          reminders  firing lag with 1,000,000 reminders over 2 silos (PostgreSQL) and 100,000 (SQLite)
          outbox     outbox relay throughput to the in-memory bus
          startup    the gateway process on the embedded default, start to /readyz 200
          wallboard  change-to-screen latency with 500 hub clients on the gateway process
          hubclients the official SignalR client against the project's lean one: memory per
                     connection in one process, connect time, a change's fan-out
          floor      the live floor at scale: 5,000 screens over two gateway processes on PostgreSQL
                     and RabbitMQ, 10,000 open tickets, 20 changes/s for a minute; change to every
                     screen, bytes per change, gateway CPU and memory per screen
          reports    a month report over 100,000 tickets' facts on PostgreSQL (issue 12): cold, and
                     p50 / slowest of 20 warm runs of the query the report endpoints make
          console    the supervisor console's open-ticket list at 10,000 open tickets on PostgreSQL:
                     first page, a filter change, the last page, over HTTP (p50/p95/p99)

        Options (defaults in brackets):
          --seconds N              measured duration of each throughput cell [10]
          --warmup N               warm-up before each cell, same load, not counted [2]
          --jit-warmup N           an unmeasured pass of N s per provider before the first cell,
                                   so .NET's tiered compilation is done; 0 for none [5]
          --callers 1,16,64        concurrent callers, each on its own grain [1,16,64]
          --contended N            callers on ONE grain for the contended cells [16]
          --providers Sqlite,Postgres   storage providers for turns and outbox [both]
          --only PARTS             parts to run [all]
          --skip PARTS             parts not to run
          --pgbench-scale N        pgbench -i scale [10]
          --reminders N            reminders registered in all on PostgreSQL [1000000]
          --sqlite-reminders N     reminders registered in all on SQLite [100000]
          --reminder-silos N       silos of one cluster for the PostgreSQL reminders [2]
          --reminder-turns N|all   of the PostgreSQL bulk, how many to register through grain turns;
                                   the rest go straight into the reminder table through Orleans'
                                   IReminderTable [100000]
          --reminders-per-grain N  reminders per grain (per turn when registering through turns) [10]
          --measured N             reminders due soon (spread over a window) and measured [2000]
          --burst N                reminders due all at one moment 3 s after the window [2000]
          --reminder-lead S        first measured reminder due S seconds after they start being set [10]
          --reminder-spread S      measured reminders due evenly over S seconds [20]
          --reminder-drain S       wait at most S seconds after the last due time [30]
          --reminder-refresh S     Orleans' RefreshReminderListPeriod in seconds [Orleans' default, 300]
          --reminder-providers P   providers for the reminder part [Postgres,Sqlite]
          --refresh-round P|none   providers whose reminder part also measures a spread set placed
                                   around the next refresh of a silo's reminder list (waits for
                                   it: up to RefreshReminderListPeriod) [Postgres]
          --register-parallelism N concurrent registrations [32]
          --outbox-events N        events relayed in the outbox part [20000]
          --startup-runs N         gateway starts timed; the first is reported apart as cold [6]
          --wallboard-clients N    wallboard hub clients connected at once [500]
          --hub-clients 1000,2500,5000  clients of each kind the hubclients part holds at once [1000,2500,5000]
          --floor-screens N        screens the floor part connects, half to each gateway [5000]
          --floor-open N           open tickets on the board before the floor part's changes [10000]
          --floor-rate N           changes per second in the floor part [20]
          --floor-seconds S        how long the floor part sends changes [60]
          --floor-warmup S         changes at the same rate before the timed ones, untimed [30]
          --floor-client lean|official   the client holding the screens [lean]
          --floor-rows N           rows each floor screen asks for [100]
          --floor-agents N         agents on the project, receiving its tickets in turn [400]
          --wallboard-changes N    ticket intakes timed to every client's screen [100]
          --wallboard-presence-changes N   presence changes timed after them, 0 for none [100]
          --wallboard-interval MS  one change every MS milliseconds [200]
          --wallboard-poll LIST    one run per item, a fresh gateway each, with its
                                   Outbox:PollInterval in ms; "default" leaves the setting out
                                   [default,default,default]
          --postgres CONNSTR       admin connection string [$HOTLINE_TEST_POSTGRES]
          --pg-bin DIR             directory holding pgbench [$HOTLINE_PG_BIN or /usr/lib/postgresql/15/bin]
          --noise-limit C          a measurement during which other processes used more than C cores
                                   (builds, tests, other databases) is taken again [0.15]
          --retries N              extra attempts at such a measurement; the least disturbed is kept [1]
          --quiet-wait S           wait up to S s for the machine to be quiet before each measurement [30]
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
                case "jit-warmup": options.JitWarmupSeconds = NonNegativeDouble(name, Value()); break;
                case "callers": options.Callers = IntList(name, Value()); break;
                case "contended": options.ContendedCallers = Int(name, Value(), 0); break;
                case "providers": options.Providers = ProviderList(Value()); break;
                case "only": options.Parts = PartSet(Value()); break;
                case "skip": options.Parts.ExceptWith(PartSet(Value())); break;
                case "pgbench-scale": options.PgbenchScale = Int(name, Value(), 1); break;
                case "reminders": options.Reminders = Int(name, Value(), 1); break;
                case "sqlite-reminders": options.SqliteReminders = Int(name, Value(), 1); break;
                case "reminder-silos": options.ReminderSilos = Int(name, Value(), 1); break;
                case "reminder-turns":
                    var turns = Value();
                    options.ReminderTurns = turns == "all" ? int.MaxValue : Int(name, turns, 0);
                    break;
                case "reminder-refresh": options.ReminderRefreshSeconds = PositiveDouble(name, Value()); break;
                case "refresh-round":
                    var round = Value();
                    options.RefreshRound = round == "none" ? [] : ProviderList(round);
                    break;
                case "reminders-per-grain": options.RemindersPerGrain = Int(name, Value(), 1); break;
                case "measured": options.MeasuredReminders = Int(name, Value(), 1); break;
                case "burst": options.BurstReminders = Int(name, Value(), 0); break;
                case "reminder-lead": options.ReminderLeadSeconds = PositiveDouble(name, Value()); break;
                case "reminder-spread": options.ReminderSpreadSeconds = NonNegativeDouble(name, Value()); break;
                case "reminder-drain": options.ReminderDrainSeconds = NonNegativeDouble(name, Value()); break;
                case "reminder-providers": options.ReminderProviders = ProviderList(Value()); break;
                case "register-parallelism": options.RegisterParallelism = Int(name, Value(), 1); break;
                case "outbox-events": options.OutboxEvents = Int(name, Value(), 1); break;
                case "startup-runs": options.StartupRuns = Int(name, Value(), 1); break;
                case "wallboard-clients": options.WallboardClients = Int(name, Value(), 1); break;
                case "hub-clients": options.HubClientCounts = IntList(name, Value()); break;
                case "floor-screens": options.FloorScreens = Int(name, Value(), 2); break;
                case "floor-open": options.FloorOpenTickets = Int(name, Value(), 0); break;
                case "floor-rate": options.FloorChangesPerSecond = PositiveDouble(name, Value()); break;
                case "floor-seconds": options.FloorSeconds = PositiveDouble(name, Value()); break;
                case "floor-warmup": options.FloorWarmupSeconds = NonNegativeDouble(name, Value()); break;
                case "floor-client": options.FloorClient = Value() switch
                {
                    "lean" => FloorClient.Lean,
                    "official" => FloorClient.Official,
                    var other => throw new ArgumentException($"--floor-client: lean or official, not '{other}'."),
                }; break;
                case "floor-rows": options.FloorRows = Int(name, Value(), 1); break;
                case "floor-agents": options.FloorAgents = Int(name, Value(), 1); break;
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

        if (options.MeasuredReminders + options.BurstReminders > Math.Min(options.Reminders, options.SqliteReminders))
        {
            throw new ArgumentException("--measured + --burst cannot exceed --reminders or --sqlite-reminders: the measured reminders are part of the total.");
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
