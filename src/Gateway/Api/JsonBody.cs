using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HotlineGrains.Gateway.Api;

/// <summary>
/// The JSON body an endpoint reads itself with <see cref="RequestBody"/>, declared for the OpenAPI
/// document only. <c>Accepts&lt;T&gt;()</c> would also make routing turn away a request whose
/// content type is wrong (or missing, for an optional body) before the endpoint could answer it
/// with a problem naming the field; this metadata leaves that to the endpoint.
/// </summary>
internal sealed record JsonBody(Type Type, bool Optional)
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBody>().LastOrDefault() is not { } body)
        {
            return;
        }

        // A named schema, like the bodies Accepts<T>() describes: a generated client gets each step's own type.
        var schema = await ApiDocument.SchemaReferenceAsync(body.Type, context, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = !body.Optional,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } },
        };
    }
}

internal static class JsonBodyExtensions
{
    /// <summary>Documents the endpoint's JSON body of type <typeparamref name="T"/>; see <see cref="JsonBody"/>.</summary>
    public static RouteHandlerBuilder ReadsJson<T>(this RouteHandlerBuilder endpoint, bool optional = false) =>
        endpoint.WithMetadata(new JsonBody(typeof(T), optional));
}
