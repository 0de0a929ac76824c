using System.Text.Json;
using HotlineGrains.Gateway.Tickets;
using HotlineGrains.Grains.Calendars;
using HotlineGrains.Grains.Tickets;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Storage;

namespace HotlineGrains.Gateway.Api;

/// <summary>RFC 7807 answers. Every 4xx names what was wrong; nothing reaches the client as a bare 500.</summary>
internal static class Problems
{
    public static IResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(IReadOnlyList<ValidationProblem> problems) =>
        Invalid(problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid", detail: "See errors: each names a field and what is wrong with it.",
            extensions: new Dictionary<string, object?> { ["field"] = errors.Keys.First() });

    /// <summary>A well-formed request that cannot be applied as sent (422), naming the field, in the shape of <see cref="Invalid(string, string)"/>.</summary>
    public static IResult Unprocessable(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request cannot be applied",
            Detail = "See errors: each names a field and what is wrong with it.",
            Extensions = { ["field"] = field },
        });

    /// <summary>A change sent without the precondition it needs (428), naming the header.</summary>
    public static IResult PreconditionRequired(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status428PreconditionRequired,
            Title = "A precondition is required",
            Detail = message,
            Extensions = { ["field"] = field },
        });

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for your role", detail: detail);

    public static IResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found", detail: $"There is no {what.ToLowerInvariant()} '{id}'.");

    public static IResult StepNotAllowed(StepNotAllowedException refused) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This step is not allowed now",
            detail: refused.Message,
            extensions: new Dictionary<string, object?>
            {
                // Not "status": that member is the HTTP status code of the problem (RFC 7807).
                ["ticketStatus"] = refused.Status.ToString(),
                ["step"] = TicketSteps.Name(refused.Step),
                ["allowedSteps"] = refused.Allowed.Select(TicketSteps.Name).ToArray(),
            });

    public static IResult Stale(StaleTicketException stale) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The ticket has changed",
            detail: stale.Message,
            extensions: new Dictionary<string, object?> { ["field"] = "If-Match", ["currentETag"] = ETags.Of(stale.Actual) });

    /// <summary>Maps what escapes an endpoint: request-reading errors to 400, domain refusals to 4xx, the rest to 500.</summary>
    public sealed class Handler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            IResult? result = exception switch
            {
                BadHttpRequestException { InnerException: JsonException json } => Invalid(ApiJson.FieldOf(json), JsonMessage(json)),
                BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                    TypedResults.Problem(statusCode: 413, title: "The request body is too large"),
                BadHttpRequestException bad => TypedResults.Problem(statusCode: bad.StatusCode, title: "The request could not be read", detail: bad.Message),
                JsonException json => Invalid(ApiJson.FieldOf(json), JsonMessage(json)),
                StepNotAllowedException refused => StepNotAllowed(refused),
                StaleTicketException stale => Stale(stale),
                ValidationFailedException invalid => Invalid(invalid.Problems),
                InconsistentStateException => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Too busy to apply the change", detail: "The item changed elsewhere while this request ran; nothing was applied. Try again."),
                _ when Unavailable.IsTransient(exception) => Unavailable.Problem(),
                _ => null,
            };
            if (result is null)
            {
                return false;
            }

            if (result is IStatusCodeHttpResult { StatusCode: 503 })
            {
                httpContext.Response.Headers.RetryAfter = exception is InconsistentStateException
                    ? "1"
                    : Unavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await result.ExecuteAsync(httpContext);
            return true;
        }

        private static string JsonMessage(JsonException json) => ApiJson.MessageOf(json);
    }
}
