using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Security;

namespace HotlineGrains.Gateway.Demo;

/// <summary>
/// The people of the demo floor, one of each kind, and a way to get their tokens. Mapped only
/// when the embedded default runs (<c>Demo:Enabled</c>): production tokens come from the
/// company's identity provider.
/// </summary>
internal static class DemoUsers
{
    public static readonly IReadOnlyList<DemoUser> All = Build();

    public static RouteGroupBuilder MapDemoUsers(this RouteGroupBuilder demo)
    {
        demo.MapGet("/users", () => TypedResults.Ok(All)).WithName("ListDemoUsers")
            .WithSummary("Demo users (embedded default only): an agent, a supervisor and a project manager per project, department handlers, an admin, a wall display and an integration.")
            .AllowAnonymous();
        demo.MapPost("/tokens", Token).WithName("IssueDemoToken")
            .WithSummary("A bearer token for a demo user (embedded default only). Send it as 'Authorization: Bearer <token>'.")
            .Accepts<DemoTokenRequest>("application/json").Produces<DemoToken>().ProducesValidationProblem()
            .AllowAnonymous();
        return demo;
    }

    private static async Task<IResult> Token(HttpContext http, TokenIssuer issuer, TimeProvider time, Microsoft.Extensions.Options.IOptions<AuthOptions> auth)
    {
        var (request, problem) = await RequestBody.ReadAsync<DemoTokenRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var user = All.FirstOrDefault(u => u.Id == request!.User);
        if (user is null)
        {
            return Problems.Invalid("user", $"One of: {string.Join(", ", All.Select(u => u.Id))}.");
        }

        var token = issuer.Issue(user.Id, user.Roles, user.Projects, user.Departments);
        return TypedResults.Ok(new DemoToken(user.Id, token, time.GetUtcNow() + auth.Value.DemoTokenLifetime));
    }

    private static List<DemoUser> Build()
    {
        var users = new List<DemoUser>();
        foreach (var (projectId, settings) in DemoDataSeeder.Projects)
        {
            var p = settings.TicketPrefix.ToLowerInvariant();
            users.Add(new($"agent-{p}-1", $"{settings.Name} agent 1", [Roles.Agent], [projectId], []));
            users.Add(new($"agent-{p}-2", $"{settings.Name} agent 2", [Roles.Agent], [projectId], []));
            users.Add(new($"supervisor-{p}", $"{settings.Name} supervisor", [Roles.Supervisor], [projectId], []));
            users.Add(new($"pm-{p}", $"{settings.Name} project manager", [Roles.ProjectManager], [projectId], []));
        }

        string[] everywhere = [.. DemoDataSeeder.Projects.Select(p => p.Id)];
        users.Add(new("dept-engineering", "工程部 handler", [Roles.Department], everywhere, ["工程部"]));
        users.Add(new("dept-security", "秩序部 handler", [Roles.Department], everywhere, ["秩序部"]));
        users.Add(new("admin", "Administrator", [Roles.Admin], [HotlineClaims.AllProjects], []));
        users.Add(new("wallboard", "Wall display", [Roles.Display], [HotlineClaims.AllProjects], []));
        users.Add(new("switch", "Phone switch", [Roles.Integration], [HotlineClaims.AllProjects], []));
        return users;
    }
}

public sealed record DemoUser(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Projects, IReadOnlyList<string> Departments);

public sealed record DemoTokenRequest(string User);

public sealed record DemoToken(string User, string Token, DateTimeOffset ExpiresAt);
