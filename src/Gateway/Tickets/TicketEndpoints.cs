using System.Security.Cryptography;
using System.Text;
using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Tickets;

internal static class TicketEndpoints
{
    public static RouteGroupBuilder MapTicketEndpoints(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup(string.Empty).WithTags(ApiDocument.Tickets);
        tickets.MapPost("/projects/{projectId}/tickets", Receive).WithName("RecordTicket")
            .WithSummary("Records a ticket from the intake form. An Idempotency-Key header (the caller's own) makes a retried create with the same form return the first ticket; the same key with a different form is a 422.")
            .Accepts<IntakeRequest>("application/json")
            .Produces<TicketView>(StatusCodes.Status201Created).Produces<TicketView>().ProducesValidationProblem().ProducesProblem(404).ProducesValidationProblem(422)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.IntakeLimit)
            .Audited("ticket", "ticketId", "change:create");
        tickets.MapGet("/projects/{projectId}/tickets", Register).WithName("ListTickets")
            .WithSummary("The ticket register: filter by status, kind, severity, assignee, department and received time; 50 a page.")
            .Produces<RegisterPage>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.ReadsLimit).Audited("register", "projectId");
        tickets.MapOpenTicketEndpoints();
        tickets.MapGet("/tickets/{ticketId}", Get).WithName("GetTicket")
            .WithSummary("A ticket with its SLA clocks and allowed next steps; the ETag header is its version.")
            .Produces<TicketView>().ProducesValidationProblem().ProducesProblem(404)
            .Audited("ticket", "ticketId");
        api.MapGroup(string.Empty).WithTags(ApiDocument.TicketSteps).MapTicketStepEndpoints();
        tickets.MapGet("/tickets/{ticketId}/handling-form", HandlingFormEndpoint.Get).WithName("GetHandlingForm")
            .WithSummary("The handling form (投诉处理表): printable HTML, or JSON with Accept: application/json.")
            .Produces<HandlingForm>().Produces(200, contentType: "text/html").ProducesValidationProblem().ProducesProblem(404)
            .Audited("ticket", "ticketId", "read:handling-form");
        return api;
    }

    private static async Task<IResult> Receive(string projectId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return badId;
        }

        var settings = await grains.GetGrain<IProjectGrain>(projectId).GetSettings();
        if (settings is null)
        {
            return Problems.NotFound("Project", projectId);
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100 || key.Any(char.IsControl))
        {
            return Problems.Invalid("Idempotency-Key", "At most 100 printable characters.");
        }

        var (request, problem) = await RequestBody.ReadAsync<IntakeRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = request!.Validate(settings, time.GetUtcNow());
        if (request.CustomerId is { } customerId && !check.Failed)
        {
            var customer = Keys.IsValid(customerId)
                ? await grains.GetGrain<ICustomerGrain>(customerId).GetView()
                : null;
            check.That(customer?.ProjectId == projectId, "customerId", "No customer with this id in this project.");
        }

        // The receiving agent is whose open list the ticket lands on: the caller taking the call
        // (a supervisor is not on the agent register), or a registered agent of this project, so
        // a ticket never reaches someone who cannot open it. Checked here, beside the other form
        // fields, as reassign checks its agent; the ticket grain records what it is given.
        if (!check.Failed && request.ReceivingAgent.Trim() is var receiving && receiving != Caller.Of(http).Id)
        {
            var agent = Keys.IsValid(receiving) ? await grains.GetGrain<IAgentGrain>(receiving).GetView(time.GetUtcNow()) : null;
            check.That(agent?.Projects.Contains(projectId) == true, "receivingAgent", $"No agent '{receiving}' serves this project; name yourself or an agent of the project.");
        }

        if (check.Failed)
        {
            return check.Problem();
        }

        var caller = Caller.Of(http).Id;
        var intake = request.ToIntake(projectId);
        var ticketId = key.Length > 0 ? TicketIdFor(projectId, caller, key) : Guid.NewGuid().ToString("N");
        AuditTrailEndpoints.Resource(http, ticketId);
        var ticket = grains.GetGrain<ITicketGrain>(ticketId);
        var created = await ticket.Open(intake, caller);
        var snapshot = await ticket.GetSnapshot();

        // The same key with a different form is a client error, not a retry (IETF Idempotency-Key
        // draft: 422). The fingerprint of the first request is the intake the ticket recorded: it
        // is stored whole anyway, so a hash beside it would say nothing more, and every ticket
        // recorded before this check has one, so none needs a migration. Both sides are the form
        // as ToIntake normalises it, so a retry differing only in whitespace or key order is the
        // same request. Compared after Open, which the ticket runs one at a time: of two different
        // forms racing on one key, exactly one is recorded and the other is told.
        if (!created && snapshot.State.Intake != intake)
        {
            return Problems.Unprocessable("Idempotency-Key", "This key was used for a different intake; send a new key for a new ticket.");
        }

        var view = TicketView.From(ticketId, snapshot.State, snapshot.Version, settings, time.GetUtcNow());
        http.Response.Headers.ETag = view.ETag;
        var location = $"/api/tickets/{ticketId}";
        return created ? TypedResults.Created(location, view) : TypedResults.Ok(view);
    }

    /// <summary>
    /// A retried intake with the same key lands on the same ticket, so it is recorded (and numbered)
    /// once. The key is the caller's own (the token's sub): another caller's same key is another
    /// ticket, never theirs. Project and key hold no line break (a slug; control characters are
    /// refused), so the three parts cannot run into each other whatever the caller id holds.
    /// Tickets keyed before keys were scoped lie under hash(project, key): a retry of such a request
    /// records a new ticket, which only a retry sent across the upgrade can meet.
    /// </summary>
    private static string TicketIdFor(string projectId, string callerId, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId + "\n" + callerId + "\n" + idempotencyKey)))[..32];

    private static async Task<IResult> Get(string ticketId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await LoadToRead(ticketId, http, grains, cancellationToken);
        if (found.Problem is not null)
        {
            return found.Problem;
        }

        var view = TicketView.From(ticketId, found.State!, found.Version, found.Settings!, time.GetUtcNow());
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> Register(string projectId, HttpContext http, IGrainFactory grains, IReadModels readModels, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("projectId", projectId) is { } badId)
        {
            return badId;
        }

        var settings = await grains.GetGrain<IProjectGrain>(projectId).GetSettings();
        if (settings is null)
        {
            return Problems.NotFound("Project", projectId);
        }

        var query = RegisterQuery.Parse(http.Request.Query, settings);
        if (query.Problem is not null)
        {
            return query.Problem;
        }

        // A department user lists the tickets of one of its departments: its only one when it names none.
        var caller = Caller.Of(http);
        if (caller.OnlyDepartment)
        {
            if (!query.Filters.ContainsKey("department") && caller.Departments.Count == 1 && caller.Departments.Single() is var only && only != HotlineClaims.AllProjects)
            {
                query.Filters["department"] = only;
            }

            if (!caller.AnswersFor(query.Filters.GetValueOrDefault("department")))
            {
                return Problems.Invalid("department", $"One of your departments: {string.Join(", ", caller.Departments)}.");
            }
        }

        var page = await readModels.QueryAsync<TicketRegisterRow>(query.ToReadModelQuery(projectId), cancellationToken);
        return TypedResults.Ok(new RegisterPage(page.Items, page.Total, query.Page, query.PageSize));
    }

    /// <summary>The ticket with its project's settings; a ticket outside the caller's projects is a 404, exactly like a missing one.</summary>
    internal static async Task<(TicketState? State, long Version, ProjectSettings? Settings, IResult? Problem)> Load(string ticketId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (ticketId.Length is 0 or > 64 || !ticketId.All(char.IsAsciiLetterOrDigit))
        {
            return (null, 0, null, Problems.Invalid("ticketId", "Letters and digits, at most 64."));
        }

        var (state, version) = await grains.GetGrain<ITicketGrain>(ticketId).GetSnapshot();
        AuditTrailEndpoints.Project(http, state.Intake?.ProjectId);
        if (state.Intake is null || state.Number is null || !Caller.Of(http).Sees(state.Intake.ProjectId))
        {
            return (null, 0, null, Problems.NotFound("Ticket", ticketId));
        }

        var settings = await grains.GetGrain<IProjectGrain>(state.Intake.ProjectId).GetSettings();
        return settings is null ? (null, 0, null, Problems.NotFound("Ticket", ticketId)) : (state, version, settings, null);
    }

    /// <summary>The ticket to read: as <see cref="Load"/>, and a department user sees only its departments' tickets.</summary>
    internal static async Task<(TicketState? State, long Version, ProjectSettings? Settings, IResult? Problem)> LoadToRead(string ticketId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var found = await Load(ticketId, http, grains, cancellationToken);
        return found.Problem is null && !Caller.Of(http).SeesTicketOf(found.State!.Department)
            ? (null, 0, null, Problems.NotFound("Ticket", ticketId))
            : found;
    }
}

public sealed record RegisterPage(IReadOnlyList<TicketRegisterRow> Items, int Total, int Page, int PageSize);
