namespace Broker.EndToEnd.Tests;

/// <summary>The tests that share one running demo (<see cref="DemoFixture"/>); they run one after another, <see cref="SetupFirst"/>.</summary>
[CollectionDefinition(Name)]
[TestClassOrderer(typeof(SetupFirst))]
public sealed class SharedDemo : ICollectionFixture<DemoFixture>
{
    public const string Name = "demo";
}
