namespace HotlineGrains.Bench;

/// <summary>Everything one run measured.</summary>
internal sealed class Results
{
    /// <summary>Every grain-call cell: counter turns, turns with effects, the breakdown's queries and empty turns.</summary>
    public List<TurnResult> Turns { get; } = [];

    public List<PgbenchResult> Pgbench { get; } = [];

    public string? PgbenchInitCommand { get; set; }

    public double PgbenchInitSeconds { get; set; }

    public List<RawResult> Raw { get; } = [];

    public StatementCount? Statements { get; set; }

    public JsonCost? Json { get; set; }

    public List<ReminderResult> Reminders { get; } = [];

    public List<OutboxResult> Outbox { get; } = [];

    public List<StartupRun> Startup { get; } = [];

    /// <summary>Wallboard runs, one per gateway configuration.</summary>
    public List<WallboardRun> Wallboard { get; } = [];

    /// <summary>Parts that failed, with why; the rest of the run goes on.</summary>
    public List<string> Failures { get; } = [];

    public TurnResult? Turn(string provider, TurnScenario scenario, int callers, TurnWork work = TurnWork.Counter, bool relay = false, string? variant = null) =>
        Turns.FirstOrDefault(t => t.Provider == provider && t.Scenario == scenario && t.Callers == callers && t.Work == work && t.Relay == relay && t.Variant == variant);

    public PgbenchResult? PgbenchAt(int clients) => Pgbench.FirstOrDefault(p => p.Clients == clients);

    public RawResult? RawAt(int clients, string? variant = null) => Raw.FirstOrDefault(r => r.Clients == clients && r.Variant == variant);
}
