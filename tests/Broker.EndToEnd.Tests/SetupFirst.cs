using Xunit.Sdk;
using Xunit.v3;

namespace Broker.EndToEnd.Tests;

/// <summary>
/// Orders the classes of <see cref="SharedDemo"/>: <see cref="DemoSetupTests"/> first, while the demo
/// is as the script left it (the others entitle more users and check desktops out), then by name.
/// </summary>
public sealed class SetupFirst : ITestClassOrderer
{
    /// <inheritdoc/>
    public IReadOnlyCollection<TTestClass?> OrderTestClasses<TTestClass>(IReadOnlyCollection<TTestClass?> testClasses)
        where TTestClass : ITestClass =>
        [.. testClasses
            .OrderBy(testClass => testClass?.TestClassName == typeof(DemoSetupTests).FullName ? 0 : 1)
            .ThenBy(testClass => testClass?.TestClassName, StringComparer.Ordinal)];
}
