using Marketplace.Platform.Persistence;
using Npgsql;

namespace Marketplace.Platform.Tests.Persistence;

public sealed class DatabaseProfileTests
{
    [Fact]
    public void A_PostgreSQL_connection_prepares_repeated_statements_and_skips_the_pool_reset_unless_it_says_otherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(DatabaseProfile.WithServerDefaults("Host=db;Database=shop;Username=app;Password=secret"));
        Assert.Equal(256, defaulted.MaxAutoPrepare);
        Assert.Equal(2, defaulted.AutoPrepareMinUsages);
        Assert.True(defaulted.NoResetOnClose);
        Assert.Equal("secret", defaulted.Password);
        Assert.Equal("shop", defaulted.Database);

        // A pooler in transaction mode cannot keep prepared statements: the operator's word wins, in either spelling.
        var off = new NpgsqlConnectionStringBuilder(DatabaseProfile.WithServerDefaults("Host=db;Database=shop;Max Auto Prepare=0;Auto Prepare Min Usages=5;No Reset On Close=false"));
        Assert.Equal(0, off.MaxAutoPrepare);
        Assert.False(off.NoResetOnClose);
        Assert.Equal(5, off.AutoPrepareMinUsages);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseProfile.WithServerDefaults("Host=db;MaxAutoPrepare=0")).MaxAutoPrepare);
    }
}
