using Broker.Core;
using Broker.Server.Administration;
using Broker.Server.Api.Desktops;
using Broker.Server.Desktops;

namespace Broker.Server.Api;

/// <summary>The API's error answers, all ProblemDetails (RFC 9457); conflicts carry a machine-readable <c>reason</c>.</summary>
internal static class ApiProblems
{
    public const string ReasonKey = "reason";

    public static IResult Validation(IEnumerable<ValidationError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(error => error.Field, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray(), StringComparer.Ordinal),
            title: "The request is not valid.");

    public static IResult Validation(string field, string message) => Validation([new ValidationError(field, message)]);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: detail);

    public static IResult Conflict(string reason, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Conflict",
            detail: detail,
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { [ReasonKey] = reason });

    /// <summary>The answer for a desktop action: the desktop on success, else the matching problem.</summary>
    public static IResult For(DesktopActionResult result, string deviceField = "DeviceId") => result.Outcome switch
    {
        DesktopActionOutcome.Done => TypedResults.Ok(DesktopResponse.From(result.Desktop!)),
        DesktopActionOutcome.NotFound => NotFound("There is no such desktop, or it is not yours."),
        DesktopActionOutcome.InvalidDevice => Validation(deviceField, "is not one of your devices."),
        DesktopActionOutcome.Refused or DesktopActionOutcome.Conflict => Conflict(result.Reason!, result.Detail!),
        _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
    };

    /// <summary>The answer for an admin change: <paramref name="done"/> of the saved value on success, else the matching problem.</summary>
    public static IResult For<T>(ChangeResult<T> result, Func<T, IResult> done)
        where T : class => result.Outcome switch
        {
            ChangeOutcome.Done => done(result.Value!),
            ChangeOutcome.Invalid => Validation(result.Errors),
            ChangeOutcome.NotFound => NotFound(result.Detail!),
            ChangeOutcome.Conflict => Conflict(result.Reason!, result.Detail!),
            _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
        };
}
