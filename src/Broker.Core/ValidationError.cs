namespace Broker.Core;

/// <summary>One rule an input breaks: the field it is about (dotted path, as the caller named it) and why.</summary>
/// <param name="Field">The offending field, e.g. <c>Offline.LeaseDays</c>.</param>
/// <param name="Message">What is wrong and what is allowed, in words a user can act on.</param>
public sealed record ValidationError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
