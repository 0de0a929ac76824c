using System.Text;
using Microsoft.AspNetCore.Authorization;

namespace HotlineGrains.Gateway.Security;

/// <summary>What a role may do on one operation, and within which part of the caller's projects.</summary>
/// <param name="Operation">The endpoint's name (its OpenAPI operationId), or <c>WallboardHub</c> and <c>OrleansDashboard</c>.</param>
/// <param name="What">The operation in the hotline's words, for the README's table.</param>
/// <param name="Roles">The roles that reach the endpoint; every other role gets 403.</param>
/// <param name="Scope">What narrows it further for some of those roles, checked by the endpoint itself.</param>
public sealed record Permission(string Operation, string What, IReadOnlyList<string> Roles, string? Scope = null);

/// <summary>
/// The one table of who may do what (SPEC §8, least privilege). Endpoints take their roles from it
/// by name (<see cref="RoleTableConvention"/>), the README's role table is written from it and the
/// authorization matrix test expects exactly it, so the three cannot drift apart. Everything in it
/// is within the caller's projects: outside them a project, ticket, agent or customer is a 404.
/// </summary>
public static class RoleTable
{
    private const string Agent = Roles.Agent, Supervisor = Roles.Supervisor, Department = Roles.Department,
        ProjectManager = Roles.ProjectManager, Admin = Roles.Admin, Display = Roles.Display, Integration = Roles.Integration;

    private const string OwnDepartments = "a department: only tickets forwarded to its departments";

    public static IReadOnlyList<Permission> All { get; } =
    [
        // Projects
        new("ListProjects", "list the projects one belongs to", [.. Roles.All]),
        // The intake form needs the categories, departments and phrases; display and switch do not.
        new("GetProject", "read a project's configuration", [Agent, Supervisor, Department, ProjectManager, Admin]),
        new("ConfigureProject", "configure a project (calendar, SLA policy, departments, phrases)", [Admin]),
        new("GetDailySummary", "read the daily summary", [Supervisor, ProjectManager, Admin]),
        new("RecordCallEvent", "post call events from the phone switch", [Integration]),
        new("ListFaults", "read line fault records", [Agent, Supervisor, ProjectManager, Admin]),
        new("RecordFault", "record a line fault", [Agent, Supervisor]),
        new("CheckForbiddenPhrases", "check a reply for forbidden phrases", [Agent, Supervisor]),

        // Tickets: bulk reads are for those who manage the floor; one ticket at a time for those who work it.
        new("RecordTicket", "record a ticket (intake)", [Agent, Supervisor]),
        new("ListTickets", "list the ticket register", [Supervisor, ProjectManager, Admin, Department], OwnDepartments),
        new("ListOpenTickets", "list open tickets, filtered and paged (supervisor console)", [Supervisor, ProjectManager, Admin, Department], OwnDepartments),
        new("ExportRegisterCsv", "export the register as CSV", [Supervisor, ProjectManager, Admin]),
        new("GetTicket", "read a ticket", [Agent, Supervisor, Department, ProjectManager, Admin], OwnDepartments),
        new("GetHandlingForm", "read a ticket's handling form", [Agent, Supervisor, Department, ProjectManager, Admin], OwnDepartments),
        new("ForwardTicket", "forward a ticket to a department", [Agent, Supervisor]),
        new("DispatchTicket", "dispatch a ticket to another department", [Agent, Supervisor]),
        new("VerifyTicket", "verify a ticket", [Department], OwnDepartments),
        new("ResolveTicket", "resolve a ticket", [Department], OwnDepartments),
        // Pausing and resuming stop and start SLA clocks: the handling department's call, or a supervisor's.
        new("WaitOnCustomer", "wait on the customer (pause the clocks)", [Department, Supervisor], OwnDepartments),
        new("ResumeTicket", "resume a paused ticket", [Department, Supervisor], OwnDepartments),
        new("NotifyCustomer", "notify the customer of the result", [Agent, Supervisor]),
        new("RecordCallback", "record a callback", [Agent, Supervisor]),
        new("AnswerTicket", "answer an inquiry", [Agent, Supervisor]),
        new("ReplyToCustomer", "reply to the customer", [Agent, Supervisor]),
        new("ReassignTicket", "reassign a ticket", [Supervisor]),
        new("EscalateTicket", "escalate a ticket", [Supervisor]),
        new("ClassifyTicket", "change a ticket's severity or category", [Supervisor]),
        new("SignOffHandlingForm", "sign the handling form off", [ProjectManager]),

        // Agents
        new("ListAgents", "list a project's agents with presence", [Agent, Supervisor, ProjectManager, Admin]),
        new("GetAgent", "read an agent with open tickets", [Agent, Supervisor, ProjectManager, Admin], "an agent: only themselves"),
        new("RegisterAgent", "register an agent", [Admin]),
        new("SetAgentPresence", "set an agent's presence", [Agent, Supervisor], "an agent: only their own"),
        new("SetAgentDelegate", "set an agent's delegate (代办人)", [Agent, Supervisor, Admin], "an agent: only their own"),

        // Customers: agents look one up on a call and correct contact details, not the tier.
        new("GetCustomer", "read a customer", [Agent, Supervisor, ProjectManager, Admin]),
        new("RecordCustomer", "record or change a customer", [Agent, Supervisor, Admin], "an agent: not the tier"),
        new("ListCustomers", "look customers up", [Agent, Supervisor, ProjectManager, Admin], "an agent: by phone number only"),

        // Reports (issue 12): bulk reads, for those who manage the floor and the projects.
        new("GetDayReport", "read a day's report (JSON, CSV, XLSX)", [Supervisor, ProjectManager, Admin]),
        new("GetWeekReport", "read a week's report (JSON, CSV, XLSX)", [Supervisor, ProjectManager, Admin]),
        new("GetMonthReport", "read a month's report (JSON, CSV, XLSX)", [Supervisor, ProjectManager, Admin]),
        new("GetRangeReport", "read a report over a range of dates (JSON, CSV, XLSX)", [Supervisor, ProjectManager, Admin]),

        // Operations
        new("QueryAuditTrail", "query the audit trail", [Admin]),
        new("OrleansDashboard", "open the Orleans dashboard", [Admin]),
        new("WallboardHub", "watch the live floor (wallboard hub)", [Display, Supervisor, Agent, ProjectManager, Admin]),
    ];

    private static readonly Dictionary<string, Permission> ByOperation = All.ToDictionary(p => p.Operation, StringComparer.Ordinal);

    /// <summary>The row of <paramref name="operation"/>; an operation without one is a programming error caught at start.</summary>
    public static Permission Of(string operation) =>
        ByOperation.TryGetValue(operation, out var permission) ? permission
            : throw new InvalidOperationException($"The operation '{operation}' has no row in {nameof(RoleTable)}: say who may call it.");

    /// <summary>
    /// The policy an endpoint of <paramref name="operation"/> applies: a signed-in caller with one of
    /// its roles, or any signed-in caller where every role may.
    /// </summary>
    public static AuthorizationPolicy PolicyOf(string operation)
    {
        var roles = Of(operation).Roles;
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser();
        return (Roles.All.All(roles.Contains) ? policy : policy.RequireRole(roles)).Build();
    }

    /// <summary>The README's role table: one row per operation, one column per role.</summary>
    public static string Markdown()
    {
        var table = new StringBuilder();
        table.Append("| may … | ").AppendJoin(" | ", Roles.All.Select(r => $"`{r}`")).Append(" |\n");
        table.Append("| --- |").Append(string.Concat(Roles.All.Select(_ => " :-: |"))).Append('\n');
        foreach (var permission in All)
        {
            table.Append("| ").Append(permission.What).Append(permission.Scope is null ? string.Empty : $" ({permission.Scope})").Append(" | ")
                .AppendJoin(" | ", Roles.All.Select(r => permission.Roles.Contains(r) ? "✓" : string.Empty)).Append(" |\n");
        }

        return table.ToString();
    }
}
