using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using HotlineGrains.Silo.Floor;
using Orleans;

namespace HotlineGrains.Gateway.Agents;

internal static class AgentEndpoints
{
    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup(string.Empty).WithTags(ApiDocument.Agents);
        agents.MapGet("/projects/{projectId}/agents", Floor).WithName("ListAgents")
            .WithSummary("The agents serving a project with their presence, time in state, delegate, open tickets and break alert.")
            .Produces<IReadOnlyList<AgentView>>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject();
        agents.MapGet("/agents/{agentId}", Get).WithName("GetAgent")
            .WithSummary("An agent with presence, time in state, delegate and open tickets.")
            .Produces<AgentView>().ProducesValidationProblem().ProducesProblem(404);
        agents.MapPut("/agents/{agentId}", Register).WithName("RegisterAgent")
            .WithSummary("Registers an agent or replaces the profile (work number, name, projects, departments); presence and tickets stay.")
            .Accepts<AgentProfile>("application/json").Produces<AgentView>().ProducesValidationProblem().ProducesProblem(404);
        agents.MapPut("/agents/{agentId}/presence", SetPresence).WithName("SetAgentPresence")
            .WithSummary("Sets the agent's presence (Offline, Available, OnCall, WrapUp, Break, Leave). Leave or Offline hands open tickets to the delegate.")
            .Accepts<PresenceRequest>("application/json").Produces<AgentView>().ProducesValidationProblem().ProducesProblem(404);
        agents.MapPut("/agents/{agentId}/delegate", SetDelegate).WithName("SetAgentDelegate")
            .WithSummary("Sets the agent's delegate (代办人), or clears it with null. An agent already away hands open tickets over at once.")
            .Accepts<DelegateRequest>("application/json").Produces<AgentView>().ProducesValidationProblem().ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Floor(string projectId, IGrainFactory grains, IReadModels readModels, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, problem) = await ProjectEndpoints.Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var serving = (await ServingAsync(projectId, readModels, cancellationToken)).Select(r => r.Id).ToList();
        var now = time.GetUtcNow();
        var views = new List<AgentView>(serving.Count);
        foreach (var id in serving)
        {
            if (await grains.GetGrain<IAgentGrain>(id).GetView(now) is { } view)
            {
                views.Add(view);
            }
        }

        return TypedResults.Ok(views.OrderBy(v => v.WorkNumber, StringComparer.Ordinal).ToList());
    }

    /// <summary>The floor rows of the agents serving a project, by work number (<see cref="BoardStore.ServingAsync"/>).</summary>
    public static Task<IReadOnlyList<AgentFloorRow>> ServingAsync(string projectId, IReadModels readModels, CancellationToken cancellationToken) =>
        BoardStore.ServingAsync(projectId, readModels, cancellationToken);

    private static async Task<IResult> Get(string agentId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (view, problem) = await Find(agentId, http, grains, time, cancellationToken);
        // An agent's record lists their open tickets: another agent reads only their own.
        problem ??= Caller.Of(http) is var caller && (caller.IsIn(Roles.Supervisor, Roles.ProjectManager, Roles.Admin) || caller.Id == agentId) ? null
            : Problems.Forbidden("An agent reads only their own record.");
        return problem ?? TypedResults.Ok(view);
    }

    private static async Task<IResult> Register(string agentId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("agentId", agentId) is { } badId)
        {
            return badId;
        }

        // Someone else's agent cannot be overwritten, nor learnt about: it answers as missing.
        var existing = (await grains.GetGrain<IAgentGrain>(agentId).GetView(DateTimeOffset.MinValue))?.Projects;
        if (existing is not null && !Caller.Of(http).SeesAny(existing))
        {
            return Problems.NotFound("Agent", agentId);
        }

        var (profile, problem) = await RequestBody.ReadValidAsync<AgentProfile>(http, p => p.Validate());
        if (problem is not null)
        {
            return problem;
        }

        var check = new Check();
        var caller = Caller.Of(http);
        for (var i = 0; i < profile!.Projects.Count; i++)
        {
            var exists = Keys.IsValid(profile.Projects[i]) && caller.Sees(profile.Projects[i])
                && await grains.GetGrain<IProjectGrain>(profile.Projects[i]).GetSettings() is not null;
            check.That(exists, $"projects[{i}]", $"No project '{profile.Projects[i]}'.");
        }

        if (check.Failed)
        {
            return check.Problem();
        }

        return TypedResults.Ok(await grains.GetGrain<IAgentGrain>(agentId).Register(profile));
    }

    private static async Task<IResult> SetPresence(string agentId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(agentId, http, grains, time, cancellationToken);
        problem ??= OwnOnly(http, agentId, "presence");
        var (request, bad) = problem is null ? await RequestBody.ReadAsync<PresenceRequest>(http) : (null, problem);
        if (bad is not null)
        {
            return bad;
        }

        var actor = Caller.Of(http).Id;
        return TypedResults.Ok(await grains.GetGrain<IAgentGrain>(agentId).SetPresence(request!.Presence, actor));
    }

    private static async Task<IResult> SetDelegate(string agentId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, problem) = await Find(agentId, http, grains, time, cancellationToken);
        problem ??= OwnOnly(http, agentId, "delegate");
        var (request, bad) = problem is null ? await RequestBody.ReadAsync<DelegateRequest>(http) : (null, problem);
        if ((bad ?? (request!.Delegate is { } other ? Keys.Invalid("delegate", other) : null)) is { } refused)
        {
            return refused;
        }

        var actor = Caller.Of(http).Id;
        return TypedResults.Ok(await grains.GetGrain<IAgentGrain>(agentId).SetDelegate(request!.Delegate, actor));
    }

    /// <summary>The agent; one serving none of the caller's projects is a 404, exactly like a missing one.</summary>
    private static async Task<(AgentView? View, IResult? Problem)> Find(string agentId, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("agentId", agentId) is { } badId)
        {
            return (null, badId);
        }

        var now = time.GetUtcNow();
        var view = await grains.GetGrain<IAgentGrain>(agentId).GetView(now);
        return view is null || !Caller.Of(http).SeesAny(view.Projects) ? (null, Problems.NotFound("Agent", agentId)) : (view, null);
    }

    /// <summary>An agent sets their own presence and delegate; a supervisor or admin sets anyone's.</summary>
    private static IResult? OwnOnly(HttpContext http, string agentId, string what) =>
        Caller.Of(http) is var caller && (caller.IsIn(Roles.Supervisor, Roles.Admin) || caller.Id == agentId) ? null
            : Problems.Forbidden($"An agent sets only their own {what}.");
}

public sealed record PresenceRequest(Presence Presence);

/// <param name="Delegate">The delegate's agent id; null clears it.</param>
public sealed record DelegateRequest(string? Delegate);
