using Broker.Core;

namespace Broker.Server.Administration;

/// <summary>The answer of an admin change: the saved value, or why nothing was saved.</summary>
/// <typeparam name="T">What a successful change returns.</typeparam>
/// <param name="Outcome">How it ended.</param>
/// <param name="Value">The saved value after <see cref="ChangeOutcome.Done"/>.</param>
/// <param name="Errors">Every broken rule after <see cref="ChangeOutcome.Invalid"/>, by field.</param>
/// <param name="Reason">After a conflict: a stable machine-readable reason (<c>Duplicate</c>, <c>ConcurrentUpdate</c>).</param>
/// <param name="Detail">After a conflict or not-found: a sentence for people.</param>
internal sealed record ChangeResult<T>(ChangeOutcome Outcome, T? Value, IReadOnlyList<ValidationError> Errors, string? Reason = null, string? Detail = null)
    where T : class
{
    public static ChangeResult<T> Done(T value) => new(ChangeOutcome.Done, value, []);

    public static ChangeResult<T> Invalid(IReadOnlyList<ValidationError> errors) => new(ChangeOutcome.Invalid, null, errors);

    public static ChangeResult<T> NotFound(string detail) => new(ChangeOutcome.NotFound, null, [], Detail: detail);

    public static ChangeResult<T> Duplicate(string detail) => new(ChangeOutcome.Conflict, null, [], "Duplicate", detail);

    public static ChangeResult<T> ConcurrentUpdate(string detail) => new(ChangeOutcome.Conflict, null, [], "ConcurrentUpdate", detail);
}
