using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>
/// The supervisor console's list of open tickets (issue 13): filtered, sorted and paged by the
/// database, with the counts of all, so a floor of 10,000 open tickets is read a page at a time
/// and the console never needs a board that holds them all.
/// </summary>
internal static class OpenTicketEndpoints
{
    public static RouteGroupBuilder MapOpenTicketEndpoints(this RouteGroupBuilder tickets)
    {
        tickets.MapGet("/projects/{projectId}/open-tickets", List).WithName("ListOpenTickets")
            .WithSummary("Open tickets (not closed) of a project, or of all the caller's projects with projectId *: filter by status, severity, department, agent (- for none) and risk (at-risk, breached, any); sort by deadline, received or severity; page and pageSize (at most 200). With the total matching and the counts of all open tickets.")
            .Produces<OpenTicketList>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.ReadsLimit);
        return tickets;
    }

    private static async Task<IResult> List(
        string projectId, HttpContext http, IGrainFactory grains, IReadModels readModels, IOpenTicketList openTickets, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(http);
        IReadOnlyCollection<string> scopes;
        IReadOnlyCollection<string>? departments = null;
        if (projectId == HotlineClaims.AllProjects)
        {
            var all = await readModels.QueryAsync<ProjectListItem>(
                new ReadModelQuery(ProjectGrain.ProjectsModel, [ProjectGrain.ProjectsScope]) { Ascending = true, Limit = 1000 }, cancellationToken);
            scopes = [.. all.Items.Select(p => p.Id).Where(caller.Sees)];
        }
        else
        {
            if (Keys.Invalid("projectId", projectId) is { } badId)
            {
                return badId;
            }

            if (await grains.GetGrain<IProjectGrain>(projectId).GetSettings() is not { } settings)
            {
                return Problems.NotFound("Project", projectId);
            }

            scopes = [projectId];
            departments = settings.Departments;
        }

        var (query, page, pageSize, problem) = OpenTicketQueryString.Parse(http.Request.Query, scopes, departments);
        if (problem is not null)
        {
            return problem;
        }

        // A department user lists (and counts) the tickets of one of its departments, as in the register.
        if (caller.OnlyDepartment)
        {
            if (query.Department is null && caller.Departments.Count == 1 && caller.Departments.Single() is var only && only != HotlineClaims.AllProjects)
            {
                query = query with { Department = only };
            }

            if (!caller.AnswersFor(query.Department))
            {
                return Problems.Invalid("department", $"One of your departments: {string.Join(", ", caller.Departments)}.");
            }

            query = query with { CountsWithinDepartment = true };
        }

        var found = await openTickets.QueryAsync(query, cancellationToken);
        return TypedResults.Ok(new OpenTicketList([.. found.Items.Select(OpenTicket.From)], found.Total, page, pageSize, found.Counts));
    }
}

/// <summary>A page of open tickets, how many match the filters, and the counts of all open tickets the caller may list.</summary>
public sealed record OpenTicketList(IReadOnlyList<OpenTicket> Items, int Total, int Page, int PageSize, OpenTicketTally Counts);

/// <summary>What the console shows of an open ticket: the board's row with its project, no customer details.</summary>
public sealed record OpenTicket(
    string ProjectId,
    string TicketId,
    string Number,
    string Status,
    string Kind,
    string Severity,
    bool Urgent,
    string? Agent,
    string? Department,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? NextDueAt,
    string? SlaState,
    DateTimeOffset? CallbackDueAt,
    int EscalationLevel)
{
    public static OpenTicket From(TicketRegisterRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.ProjectId, row.TicketId, row.Number, row.Status, row.Kind, row.Severity, row.Urgent, row.Agent, row.Department,
            row.ReceivedAt, row.NextDueAt, row.SlaState, row.CallbackDueAt, row.EscalationLevel);
    }
}
