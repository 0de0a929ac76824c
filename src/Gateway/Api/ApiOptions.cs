namespace HotlineGrains.Gateway.Api;

/// <summary>How the API describes itself (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Serve the OpenAPI document and the Swagger UI page, without a token (the calls the page makes
    /// still need one). Unset: everywhere but in Production, where a stranger would learn every
    /// operation there is; a production deployment that wants it says so.
    /// </summary>
    public bool? Explorer { get; set; }

    public bool ExplorerIn(IHostEnvironment environment) => Explorer ?? !environment.IsProduction();
}
