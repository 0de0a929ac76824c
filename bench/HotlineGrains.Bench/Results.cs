namespace HotlineGrains.Bench;

/// <summary>Everything one run measured.</summary>
internal sealed class Results
{
    public List<TurnResult> Turns { get; } = [];

    public List<PgbenchResult> Pgbench { get; } = [];

    public string? PgbenchInitCommand { get; set; }

    public double PgbenchInitSeconds { get; set; }

    public List<RawResult> Raw { get; } = [];

    public List<ReminderResult> Reminders { get; } = [];

    public List<OutboxResult> Outbox { get; } = [];

    /// <summary>Turns that publish an event, with the relay off and on.</summary>
    public List<TurnResult> Live { get; } = [];

    /// <summary>Wallboard runs, one per gateway configuration.</summary>
    public List<WallboardRun> Wallboard { get; } = [];

    /// <summary>Parts that failed, with why; the rest of the run goes on.</summary>
    public List<string> Failures { get; } = [];

    public TurnResult? Turn(string provider, string mode, TurnScenario scenario, int callers) =>
        Turns.FirstOrDefault(t => t.Provider == provider && t.Mode == mode && t.Scenario == scenario && t.Callers == callers);

    public PgbenchResult? PgbenchAt(int clients) => Pgbench.FirstOrDefault(p => p.Clients == clients);

    public RawResult? RawAt(int clients) => Raw.FirstOrDefault(r => r.Clients == clients);
}
