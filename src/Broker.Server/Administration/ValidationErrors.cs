using Broker.Core;

namespace Broker.Server.Administration;

/// <summary>Combining the errors a caller found in its input with those the domain found.</summary>
internal static class ValidationErrors
{
    /// <summary>
    /// <paramref name="input"/> (e.g. required fields left out) followed by the domain's errors about
    /// other fields: a field the caller already flagged is not reported twice.
    /// </summary>
    public static IReadOnlyList<ValidationError> Merge(IReadOnlyCollection<ValidationError> input, IEnumerable<ValidationError> domain) =>
        [.. input, .. domain.Where(error => !input.Any(mine => string.Equals(mine.Field, error.Field, StringComparison.Ordinal)))];
}
