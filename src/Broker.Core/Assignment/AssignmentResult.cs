using Broker.Core.Desktops;

namespace Broker.Core.Assignment;

/// <summary>The outcome of <see cref="DesktopAssigner.Assign"/>.</summary>
/// <param name="Outcome">What was decided.</param>
/// <param name="Desktop">The user's desktop (with <see cref="Desktop.Assignee"/> set) for
/// <see cref="AssignmentOutcome.Assigned"/> and <see cref="AssignmentOutcome.AlreadyAssigned"/>; otherwise <see langword="null"/>.</param>
public sealed record AssignmentResult(AssignmentOutcome Outcome, Desktop? Desktop);
