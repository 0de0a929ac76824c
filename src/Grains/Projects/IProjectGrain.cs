using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Projects;

/// <summary>A managed property (项目), keyed by its slug (e.g. <c>weibang-plaza</c>).</summary>
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Sets the configuration; invalid settings throw <see cref="ProjectSettingsException"/> naming the fields.</summary>
    Task<ProjectSettings> Configure(ProjectSettings settings);

    /// <summary>
    /// The number of ticket <paramref name="ticketId"/>: the next of the service day the first time,
    /// the same one for every later call until the ticket's intake is stored (a retried intake never
    /// burns or reuses a number).
    /// </summary>
    Task<string> IssueTicketNumber(string ticketId, string actor);

    /// <summary>A call event from the phone switch: feeds the answer rate, the service level and the line watch.</summary>
    Task RecordCall(CallEvent call);

    /// <summary>故障记录: records a line fault (cause, start, and end once known).</summary>
    Task<FaultRecord> RecordFault(string cause, DateTimeOffset start, DateTimeOffset? end, string actor);

    /// <summary>Ends a recorded fault; null when there is no fault with that id.</summary>
    Task<FaultRecord?> EndFault(string faultId, DateTimeOffset end);

    /// <summary>The configuration; null when the project was never configured (it does not exist).</summary>
    [AlwaysInterleave]
    Task<ProjectSettings?> GetSettings();

    [AlwaysInterleave]
    Task<IReadOnlyList<FaultRecord>> GetFaults();

    /// <summary>The summary made at the end of service day <paramref name="date"/>, if it was made.</summary>
    [AlwaysInterleave]
    Task<DailySummary?> GetSummary(DateOnly date);

    /// <summary>The figures stored when the month starting <paramref name="firstDay"/> ended (project time), if it has.</summary>
    [AlwaysInterleave]
    Task<MonthlyFigures?> GetMonth(DateOnly firstDay);

    /// <summary>The counters of the service days from <paramref name="from"/> to <paramref name="to"/> (inclusive, project time) that had any activity; kept about 400 days. Reports read calls from them.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<DayStats>> GetDays(DateOnly from, DateOnly to);

    /// <summary>Calls answered from <paramref name="from"/> to <paramref name="to"/> (inclusive, project time) by each agent the switch named.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, int>> GetCallsAnsweredByAgent(DateOnly from, DateOnly to);

    /// <summary>The floor's call and alert picture at <paramref name="now"/>: calls still ringing, today's counters, recent silence alerts.</summary>
    [AlwaysInterleave]
    Task<ProjectFloor> GetFloor(DateTimeOffset now);
}
