using Broker.Core.Desktops;

namespace Broker.Server.Desktops;

/// <summary>The answer of a <see cref="DesktopActions"/> method.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Desktop">The saved desktop after <see cref="DesktopActionOutcome.Done"/>.</param>
/// <param name="Reason">For refusals and conflicts: a stable machine-readable reason (e.g. <c>IllegalTransition</c>, <c>OfflineNotAllowed</c>, <c>ConcurrentUpdate</c>).</param>
/// <param name="Detail">For refusals and conflicts: a sentence for people.</param>
internal sealed record DesktopActionResult(DesktopActionOutcome Outcome, Desktop? Desktop = null, string? Reason = null, string? Detail = null)
{
    public static DesktopActionResult NotFound { get; } = new(DesktopActionOutcome.NotFound);

    public static DesktopActionResult InvalidDevice { get; } = new(DesktopActionOutcome.InvalidDevice);

    public static DesktopActionResult ConcurrentUpdate { get; } = new(
        DesktopActionOutcome.Conflict,
        Reason: "ConcurrentUpdate",
        Detail: "The desktop was changed by someone else at the same time. Reload it and try again.");

    public static DesktopActionResult Done(Desktop desktop) => new(DesktopActionOutcome.Done, desktop);

    public static DesktopActionResult Refused(string reason, string detail) => new(DesktopActionOutcome.Refused, Reason: reason, Detail: detail);
}
