using System.Security.Claims;

namespace HotlineGrains.Gateway.Security;

/// <summary>The authenticated user behind a request: id, roles, projects and (for departments) departments.</summary>
public sealed class Caller
{
    private readonly HashSet<string> roles;
    private readonly HashSet<string> projects;
    private readonly HashSet<string> departments;

    private Caller(string id, IEnumerable<string> roles, IEnumerable<string> projects, IEnumerable<string> departments)
    {
        Id = id;
        this.roles = [.. roles];
        this.projects = [.. projects];
        this.departments = [.. departments];
    }

    /// <summary>The user id (<c>sub</c>): what timelines, events and the audit trail record.</summary>
    public string Id { get; }

    public IReadOnlyCollection<string> Roles => roles;

    public bool AllProjects => projects.Contains(HotlineClaims.AllProjects);

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue("sub") ?? "anonymous",
        user.FindAll(HotlineClaims.Role).Select(c => c.Value),
        user.FindAll(HotlineClaims.Project).Select(c => c.Value),
        user.FindAll(HotlineClaims.Department).Select(c => c.Value));

    public static Caller Of(HttpContext http) =>
        http.Features.Get<Caller>() ?? Remember(http, From(http.User));

    public bool IsIn(params IReadOnlyCollection<string> anyOf) => anyOf.Any(roles.Contains);

    /// <summary>Whether the caller belongs to the project; anything outside answers 404, exactly like a missing one.</summary>
    public bool Sees(string? projectId) => projectId is not null && (AllProjects || projects.Contains(projectId));

    public bool SeesAny(IEnumerable<string> projectIds) => AllProjects || projectIds.Any(projects.Contains);

    /// <summary>Whether the caller answers for <paramref name="department"/> (the responsible department of a ticket); "*" answers for all.</summary>
    public bool AnswersFor(string? department) =>
        departments.Contains(HotlineClaims.AllProjects) || (department is not null && departments.Contains(department));

    /// <summary>The departments the caller answers for (<see cref="HotlineClaims.AllProjects"/>: all).</summary>
    public IReadOnlyCollection<string> Departments => departments;

    /// <summary>
    /// A department user and nothing more: it sees the tickets forwarded to its departments and no
    /// others (SPEC §8), where a role that works the floor sees every ticket of its projects.
    /// </summary>
    public bool OnlyDepartment =>
        roles.Contains(Security.Roles.Department) && !IsIn(Security.Roles.Agent, Security.Roles.Supervisor, Security.Roles.ProjectManager, Security.Roles.Admin);

    /// <summary>Whether the caller sees a ticket of <paramref name="department"/> (null: not forwarded yet).</summary>
    public bool SeesTicketOf(string? department) => !OnlyDepartment || AnswersFor(department);

    private static Caller Remember(HttpContext http, Caller caller)
    {
        http.Features.Set(caller);
        return caller;
    }
}
