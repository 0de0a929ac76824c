using HotlineGrains.Gateway.Api;
using HotlineGrains.Gateway.Projects;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Grains.Customers;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Silo;
using Orleans;

namespace HotlineGrains.Gateway.Customers;

internal static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup(string.Empty).WithTags(ApiDocument.Customers);
        customers.MapGet("/customers/{customerId}", Get).WithName("GetCustomer")
            .WithSummary("A customer: form of address, unit, phones, tier, tickets (newest first) and relationship callbacks.")
            .Produces<CustomerView>().ProducesValidationProblem().ProducesProblem(404)
            .Audited("customer", "customerId");
        customers.MapPut("/customers/{customerId}", Put).WithName("RecordCustomer")
            .WithSummary("Records a customer or replaces what is known of them. A tier change re-plans the relationship callbacks.")
            .Accepts<CustomerProfile>("application/json").Produces<CustomerView>().ProducesValidationProblem().ProducesProblem(404)
            .Audited("customer", "customerId");
        customers.MapGet("/projects/{projectId}/customers", Directory).WithName("ListCustomers")
            .WithSummary("A project's customers, last contact first; phone= finds the caller by their first number.")
            .Produces<IReadOnlyList<CustomerDirectoryRow>>().ProducesValidationProblem().ProducesProblem(404)
            .InCallersProject().RequireRateLimiting(SecurityExtensions.ReadsLimit).Audited("customers", "projectId");
        return api;
    }

    private static async Task<IResult> Get(string customerId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (view, problem) = await Find(customerId, http, grains, cancellationToken);
        return problem ?? TypedResults.Ok(view);
    }

    /// <summary>The customer; one of a project outside the caller's is a 404, exactly like a missing one.</summary>
    private static async Task<(CustomerView? View, IResult? Problem)> Find(string customerId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("customerId", customerId) is { } badId)
        {
            return (null, badId);
        }

        var view = await grains.GetGrain<ICustomerGrain>(customerId).GetView();
        AuditTrailEndpoints.Project(http, view?.ProjectId);
        return view is null || !Caller.Of(http).Sees(view.ProjectId) ? (null, Problems.NotFound("Customer", customerId)) : (view, null);
    }

    private static async Task<IResult> Put(string customerId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Keys.Invalid("customerId", customerId) is { } badId)
        {
            return badId;
        }

        // Someone else's customer cannot be overwritten, nor learnt about: it answers as missing.
        var current = await grains.GetGrain<ICustomerGrain>(customerId).GetView();
        var existing = current?.ProjectId;
        AuditTrailEndpoints.Project(http, existing);
        if (existing is not null && !Caller.Of(http).Sees(existing))
        {
            return Problems.NotFound("Customer", customerId);
        }

        var (profile, problem) = await RequestBody.ReadValidAsync<CustomerProfile>(http, c => c.Validate());
        if (problem is not null)
        {
            return problem;
        }

        AuditTrailEndpoints.Project(http, existing ?? profile!.ProjectId);
        // The tier decides how often the customer is called for feedback: an agent on a call corrects
        // contact details, and records a new caller at the default tier; a supervisor sets the tier.
        if (!Caller.Of(http).IsIn(Roles.Supervisor, Roles.Admin) && profile!.Tier != (current?.Tier ?? CustomerProfile.DefaultTier))
        {
            return Problems.Forbidden("Only a supervisor or an admin sets a customer's tier.");
        }

        var projectExists = Keys.IsValid(profile!.ProjectId) && Caller.Of(http).Sees(profile.ProjectId)
            && await grains.GetGrain<IProjectGrain>(profile.ProjectId).GetSettings() is not null;
        if (!projectExists)
        {
            return Problems.Invalid("projectId", $"No project '{profile.ProjectId}'.");
        }

        return TypedResults.Ok(await grains.GetGrain<ICustomerGrain>(customerId).Upsert(profile));
    }

    private static async Task<IResult> Directory(string projectId, string? phone, HttpContext http, IGrainFactory grains, IReadModels readModels, CancellationToken cancellationToken)
    {
        var (_, problem) = await ProjectEndpoints.Find(projectId, grains, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // An agent looks up the caller on the line by number; the whole directory is a bulk read.
        var check = new Check().Phone("phone", phone, required: !Caller.Of(http).IsIn(Roles.Supervisor, Roles.ProjectManager, Roles.Admin));
        if (check.Failed)
        {
            return check.Problem();
        }

        var filters = phone is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["primaryPhone"] = phone };
        var page = await readModels.QueryAsync<CustomerDirectoryRow>(
            new ReadModelQuery(CustomerGrain.DirectoryModel, [projectId]) { Filters = filters, Limit = 200 }, cancellationToken);
        return TypedResults.Ok(page.Items);
    }
}
