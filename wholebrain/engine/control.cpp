{
    // wholebrain run control, inserted before the network's run by wholebrain/engine/control.py
    // (which fills the %...% slots): duration and start time from the environment, optional
    // resume of a full earlier state, spike queues and random generators saved after the run
    const char* _wb_env_d = std::getenv("WHOLEBRAIN_DURATION");
    const char* _wb_env_t0 = std::getenv("WHOLEBRAIN_T0");
    const char* _wb_env_resume = std::getenv("WHOLEBRAIN_RESUME");
    const char* _wb_env_report = std::getenv("WHOLEBRAIN_REPORT_S");
    if (!_wb_env_d) {
        std::cerr << "wholebrain: WHOLEBRAIN_DURATION is not set" << std::endl;
        std::exit(3);
    }
    struct _WbRng { std::mt19937 gen; double stored_gauss; bool has_stored_gauss; };
    static_assert(sizeof(_WbRng) == sizeof(RandomGenerator), "RandomGenerator layout changed");
    auto _wb_read = [](const std::string& path, char* dest, size_t nbytes) {
        std::ifstream f(path, std::ios::binary | std::ios::ate);
        if (!f) { std::cerr << "wholebrain: cannot read " << path << std::endl; std::exit(4); }
        const size_t size = static_cast<size_t>(f.tellg());
        if (size != nbytes) {
            std::cerr << "wholebrain: " << path << " has " << size << " bytes, expected "
                      << nbytes << std::endl;
            std::exit(4);
        }
        f.seekg(0);
        f.read(dest, nbytes);
    };
    auto _wb_save_queue = [](std::ofstream& q, SynapticPathway& path) {
        q << path.queue.size() << "\n";
        for (size_t th = 0; th < path.queue.size(); th++) {
            auto state = path.queue[th]->_full_state();
            q << state.first << " " << state.second.size() << "\n";
            for (auto& slot : state.second) {
                q << slot.size();
                for (auto s : slot) q << " " << s;
                q << "\n";
            }
        }
    };
    auto _wb_load_queue = [](std::ifstream& q, SynapticPathway& path) {
        size_t nq = 0;
        q >> nq;
        if (!q || nq != path.queue.size()) {
            std::cerr << "wholebrain: the checkpoint was written with another thread count"
                      << std::endl;
            std::exit(4);
        }
        for (size_t th = 0; th < nq; th++) {
            int offset = 0;
            size_t nslots = 0;
            q >> offset >> nslots;
            std::vector< std::vector<int32_t> > slots(nslots);
            for (auto& slot : slots) {
                size_t n = 0;
                q >> n;
                slot.resize(n);
                for (auto& s : slot) q >> s;
            }
            path.queue[th]->_restore_from_full_state(std::make_pair(offset, slots));
        }
    };
    if (_wb_env_resume) {
        const std::string _wb_dir(_wb_env_resume);
        %RESTORE_ARRAYS%
        std::ifstream _wb_q(_wb_dir + "wb_queues.txt");
        if (!_wb_q) {
            std::cerr << "wholebrain: no wb_queues.txt in " << _wb_dir << std::endl;
            std::exit(4);
        }
        %LOAD_QUEUES%
        std::ifstream _wb_r(_wb_dir + "wb_rng.txt");
        size_t _wb_n = 0;
        _wb_r >> _wb_n;
        if (!_wb_r || _wb_n != _random_generators.size()) {
            std::cerr << "wholebrain: the checkpoint was written with another thread count"
                      << std::endl;
            std::exit(4);
        }
        for (size_t _i = 0; _i < _wb_n; _i++) {
            _WbRng* g = reinterpret_cast<_WbRng*>(&_random_generators[_i]);
            _wb_r >> g->gen >> g->stored_gauss >> g->has_stored_gauss;
        }
        if (!_wb_r) {
            std::cerr << "wholebrain: bad wb_rng.txt in " << _wb_dir << std::endl;
            std::exit(4);
        }
    }
    auto _wb_report = [](const double elapsed, const double completed, const double start,
                         const double duration) {
        std::cout << "WBPROGRESS " << elapsed << " " << completed << " " << start << " "
                  << duration << std::endl;
    };
    const double _wb_t0 = std::strtod(_wb_env_t0 ? _wb_env_t0 : "0", nullptr);
    %SET_CLOCKS%
    %NET%.t = _wb_t0;
    %NET%.run(std::strtod(_wb_env_d, nullptr), _wb_env_report ? +_wb_report : NULL,
              _wb_env_report ? std::strtod(_wb_env_report, nullptr) : 10.0);
    {
        std::ofstream _wb_q(results_dir + "wb_queues.txt");
        %SAVE_QUEUES%
        std::ofstream _wb_r(results_dir + "wb_rng.txt");
        _wb_r.precision(17);
        _wb_r << _random_generators.size() << "\n";
        for (size_t _i = 0; _i < _random_generators.size(); _i++) {
            _WbRng* g = reinterpret_cast<_WbRng*>(&_random_generators[_i]);
            _wb_r << g->gen << "\n" << g->stored_gauss << " " << g->has_stored_gauss << "\n";
        }
    }
}
