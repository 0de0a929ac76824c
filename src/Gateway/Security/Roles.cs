namespace HotlineGrains.Gateway.Security;

/// <summary>Who a caller is on the hotline (SPEC §1); a token carries one or more.</summary>
public static class Roles
{
    /// <summary>客服人员: answers calls, records tickets, replies, calls back, sets own presence.</summary>
    public const string Agent = "agent";

    /// <summary>客服中心主管/经理: watches the floor, reassigns, escalates, changes severity.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>责任部门: verifies, handles and resolves the tickets of its department.</summary>
    public const string Department = "department";

    /// <summary>项目经理: signs off the handling forms of the project.</summary>
    public const string ProjectManager = "project-manager";

    /// <summary>Configures projects (calendar, SLA policy), agents, and reads the audit trail.</summary>
    public const string Admin = "admin";

    /// <summary>大屏: reads the wallboard and nothing else.</summary>
    public const string Display = "display";

    /// <summary>The phone switch and other systems: posts call events.</summary>
    public const string Integration = "integration";

    public static readonly IReadOnlyList<string> All = [Agent, Supervisor, Department, ProjectManager, Admin, Display, Integration];

    /// <summary>Everyone who works tickets and may read them.</summary>
    public static readonly string[] TicketReaders = [Agent, Supervisor, Department, ProjectManager, Admin];
}

/// <summary>Claim types in a hotline token, besides <c>sub</c> (the user id) and <c>name</c>.</summary>
public static class HotlineClaims
{
    public const string Role = "role";

    /// <summary>A project the user belongs to, one claim per project; <see cref="AllProjects"/> for every project.</summary>
    public const string Project = "project";

    /// <summary>For the department role: a department the user answers for (工程部), or <see cref="AllProjects"/>.</summary>
    public const string Department = "department";

    public const string AllProjects = "*";
}
