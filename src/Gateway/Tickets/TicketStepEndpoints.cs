using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using Orleans;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>
/// One endpoint per workflow step, <c>POST /api/tickets/{ticketId}/{step}</c>, each with its own
/// request body, so the OpenAPI document gives integrators every step's body and answers. Every
/// step is checked the same way, in this order: the <c>If-Match</c> header, the caller's role for
/// the step, the ticket (404 outside the caller's projects), the responsible department, the body;
/// then the ticket grain applies it (412 when someone changed the ticket first, 409 when its status
/// does not allow the step).
/// </summary>
internal static class TicketStepEndpoints
{
    public static RouteGroupBuilder MapTicketStepEndpoints(this RouteGroupBuilder api)
    {
        Step<DepartmentRequest>(api, TicketStep.Forward,
            "转交核实: sends the ticket to the responsible department to verify (a suggestion is thanked, forwarded and closed).",
            (body, step) => new Check().OneOf("department", body.Department, step.Settings.Departments),
            (ticket, body, step) => ticket.Forward(body.Department, step.Actor, step.Expected));
        Step<VerifyRequest>(api, TicketStep.Verify,
            "核实: the responsible department's findings; founded goes to handling (escalated when complex, urgent or not solvable at once), unfounded to the agent to explain.",
            (body, _) => new Check().Text("findings", body.Findings, 2000),
            (ticket, body, step) => ticket.Verify(body.Founded, body.Findings, body.SolvableAtOnce, step.Actor, step.Expected));
        Step<DepartmentRequest>(api, TicketStep.Dispatch,
            "生单转现场: a repair becomes an on-site work order for a department.",
            (body, step) => new Check().OneOf("department", body.Department, step.Settings.Departments),
            (ticket, body, step) => ticket.Dispatch(body.Department, step.Actor, step.Expected));
        Step<ReasonRequest>(api, TicketStep.WaitOnCustomer,
            "Waiting on the customer: the SLA clocks pause until the ticket is resumed.",
            (body, _) => new Check().Text("reason", body.Reason, 500),
            (ticket, body, step) => ticket.WaitOnCustomer(body.Reason, step.Actor, step.Expected));
        Step<EmptyRequest>(api, TicketStep.Resume,
            "Resumes a ticket that waited on the customer: the SLA clocks run again. The body may be left out.",
            (_, _) => new Check(),
            (ticket, _, step) => ticket.Resume(step.Actor, step.Expected));
        Step<ResolveRequest>(api, TicketStep.Resolve,
            "处理完毕: the department returns the handling form with its plan and result.",
            (body, _) => new Check().Text("plan", body.Plan, 2000).Text("result", body.Result, 2000)
                .Text("handler", body.Handler, 40).Text("departmentManager", body.DepartmentManager, 40, required: false),
            (ticket, body, step) => ticket.Resolve(body.Plan, body.Result, body.Handler, body.DepartmentManager, step.Actor, step.Expected));
        Step<MessageRequest>(api, TicketStep.NotifyCustomer,
            "答复客户: the agent told the customer the result (or, if unfounded, explained); the callback is scheduled.",
            (body, _) => new Check().Text("message", body.Message, 2000),
            (ticket, body, step) => ticket.NotifyCustomer(body.Message, step.Actor, step.Expected));
        Step<CallbackRequest>(api, TicketStep.RecordCallback,
            "回访: satisfied closes the ticket; unsatisfied reopens and escalates it; unreachable is tried again, and closed after the last attempt.",
            (body, _) => new Check().Text("note", body.Note, 1000, required: false),
            (ticket, body, step) => ticket.RecordCallback(body.Outcome, body.Note, step.Actor, step.Expected));
        Step<AnswerRequest>(api, TicketStep.Answer,
            "The promised answer to an inquiry, or a lookup's result, given to the customer: the ticket closes.",
            (body, _) => new Check().Text("answer", body.Answer, 2000),
            (ticket, body, step) => ticket.Answer(body.Answer, step.Actor, step.Expected));
        Step<ReplyRequest>(api, TicketStep.Reply,
            "A reply to the customer; the answer lists the project's forbidden phrases (忌语) it contains in forbiddenPhrasesFound.",
            (body, _) => new Check().Text("text", body.Text, 2000),
            (ticket, body, step) =>
            {
                step.ForbiddenFound = ForbiddenPhrases.FindIn(body.Text, step.Settings.ForbiddenPhrases);
                return ticket.Reply(body.Text, step.ForbiddenFound, step.Actor, step.Expected);
            });
        Step<ReassignRequest>(api, TicketStep.Reassign,
            "A supervisor moves a live ticket to another agent (who serves the project) and/or department.",
            async (body, step) =>
            {
                // A ticket goes only to an agent who exists and serves its project, or nobody would ever see it.
                var agentServes = body.Agent is not { } agentId
                    || (Keys.IsValid(agentId) && (await step.Grains.GetGrain<IAgentGrain>(agentId).GetView(step.Now))?.Projects.Contains(step.ProjectId) == true);
                return new Check()
                    .Text("agent", body.Agent, 40, required: false)
                    .OneOf("department", body.Department, step.Settings.Departments, required: false)
                    .Text("reason", body.Reason, 500)
                    .That(body.Agent is not null || body.Department is not null, "agent", "Name the agent or the department (or both) to reassign to.")
                    .That(agentServes, "agent", $"No agent '{body.Agent}' serves this project.");
            },
            (ticket, body, step) => ticket.Reassign(body.Agent, body.Department, body.Reason, step.Actor, step.Expected));
        Step<ReasonRequest>(api, TicketStep.Escalate,
            "A supervisor escalates the ticket one level.",
            (body, _) => new Check().Text("reason", body.Reason, 500),
            (ticket, body, step) => ticket.Escalate(body.Reason, step.Actor, step.Expected));
        Step<ClassifyRequest>(api, TicketStep.Classify,
            "A supervisor changes kind, severity or urgency; the SLA clocks are recomputed from the start.",
            (body, _) => new Check().That(body.Kind is not null || body.Severity is not null || body.Urgent is not null, "kind", "Give kind, severity or urgent."),
            (ticket, body, step) => ticket.Classify(body.Kind, body.Severity, body.Urgent, step.Actor, step.Expected));
        Step<EmptyRequest>(api, TicketStep.SignOff,
            "The project manager signs the handling form off. The body may be left out.",
            (_, _) => new Check(),
            (ticket, _, step) => ticket.SignOff(step.Actor, step.Expected));

        // Any other step is bad input naming the step, not a bare 404 for a path that looks right.
        api.MapPost($"/tickets/{{ticketId}}/{{step:{UnknownStep.Name}}}", () => Problems.Invalid("step", $"One of: {string.Join(", ", TicketSteps.Names)}."))
            .ExcludeFromDescription().Allow(TicketStepAccess.AnyStepper);
        return api;
    }

    /// <summary>A step name that is none of the workflow's, so the catch-all route never shadows a step's own endpoint.</summary>
    internal sealed class UnknownStep : IRouteConstraint
    {
        public const string Name = "unknownstep";

        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && value is string step && !TicketSteps.TryParse(step, out _);
    }

    private static void Step<TBody>(
        RouteGroupBuilder api,
        TicketStep step,
        string summary,
        Func<TBody, StepCall, Task<Check>> validate,
        Func<ITicketGrain, TBody, StepCall, Task<TicketState>> apply)
        where TBody : class
    {
        var name = TicketSteps.Name(step);
        api.MapPost($"/tickets/{{ticketId}}/{name}", (string ticketId, HttpContext http, IGrainFactory grains, TimeProvider time) =>
                Perform(step, ticketId, http, grains, time, validate, apply))
            .WithName(TicketStepAccess.Operations[step])
            .WithSummary(summary)
            .WithDescription($"Send If-Match with the ticket's ETag (428 without it, 412 when someone changed it first). A step the ticket's status does not allow is 409 with the allowed steps. Who may: {string.Join(", ", TicketStepAccess.AllowedRoles[step])}.")
            .ReadsJson<TBody>(optional: typeof(TBody) == typeof(EmptyRequest))
            .Produces<TicketView>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesValidationProblem(428)
            .Audited("ticket", "ticketId", "change:" + name);
    }

    private static void Step<TBody>(
        RouteGroupBuilder api,
        TicketStep step,
        string summary,
        Func<TBody, StepCall, Check> validate,
        Func<ITicketGrain, TBody, StepCall, Task<TicketState>> apply)
        where TBody : class =>
        Step(api, step, summary, (body, call) => Task.FromResult(validate(body, call)), apply);

    private static async Task<IResult> Perform<TBody>(
        TicketStep step,
        string ticketId,
        HttpContext http,
        IGrainFactory grains,
        TimeProvider time,
        Func<TBody, StepCall, Task<Check>> validate,
        Func<ITicketGrain, TBody, StepCall, Task<TicketState>> apply)
        where TBody : class
    {
        if (!ETags.TryParseIfMatch(http.Request, out var expected))
        {
            return Problems.Invalid("If-Match", "An entity tag as given in the ETag header, like \"7\".");
        }

        var caller = Caller.Of(http);
        if (TicketStepAccess.Refuse(caller, step) is { } notAllowed)
        {
            return notAllowed;
        }

        var found = await TicketEndpoints.Load(ticketId, http, grains, http.RequestAborted);
        if (found.Problem is not null)
        {
            return found.Problem;
        }

        if (TicketStepAccess.RefuseDepartment(caller, step, found.State!) is { } otherDepartment)
        {
            return otherDepartment;
        }

        TBody body;
        if (typeof(TBody) == typeof(EmptyRequest) && http.Request.ContentLength is null or 0)
        {
            body = (TBody)(object)new EmptyRequest();
        }
        else
        {
            var (read, problem) = await RequestBody.ReadAsync<TBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            body = read!;
        }

        var call = new StepCall(caller.Id, expected, found.State!.Intake!.ProjectId, found.Settings!, grains, time.GetUtcNow());
        if (await validate(body, call) is { Failed: true } check)
        {
            return check.Problem();
        }

        // A step changes the ticket on the basis of what the caller last saw: without the version it
        // saw, two people on one ticket overwrite each other's decisions unnoticed (RFC 6585, 428).
        if (expected is null)
        {
            return Problems.PreconditionRequired("If-Match", "Send the ticket's ETag (as GET /api/tickets/{ticketId} gave it) in If-Match.");
        }

        await apply(grains.GetGrain<ITicketGrain>(ticketId), body, call);
        var after = await TicketEndpoints.Load(ticketId, http, grains, http.RequestAborted);
        var view = TicketView.From(ticketId, after.State!, after.Version, after.Settings!, time.GetUtcNow()) with { ForbiddenPhrasesFound = call.ForbiddenFound };
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(view);
    }

    /// <summary>What a step's validation and application need: who acts, on which version, in which project.</summary>
    private sealed class StepCall(string actor, long? expected, string projectId, ProjectSettings settings, IGrainFactory grains, DateTimeOffset now)
    {
        public string Actor { get; } = actor;

        public long? Expected { get; } = expected;

        public string ProjectId { get; } = projectId;

        public ProjectSettings Settings { get; } = settings;

        public IGrainFactory Grains { get; } = grains;

        public DateTimeOffset Now { get; } = now;

        /// <summary>For a reply: the forbidden phrases found in it, shown on the answer.</summary>
        public IReadOnlyList<string>? ForbiddenFound { get; set; }
    }
}
