"""What wsl.exe prints, per language, as data: the labels of ``wsl --version`` and the
sentences of ``wsl --update``. One table, used by the parsers (as a cross-check:
they read by position and by language-independent tokens first) and by the shipped
wsl.exe simulator (to speak like the real one).

Sources: localization/strings/<lang>/Resources.resw at microsoft/WSL 3e27a6a
(wsl-source.md §3) and the pastes in shared/corpus (NOTES.md, NOTES-update.md).
Entries marked ``# corpus`` were seen in real pastes; the rest come from the
resource files as summarised in the research.
"""

from __future__ import annotations

# The seven lines of `wsl --version`, in order: WSL, kernel, WSLg, MSRDC, Direct3D,
# DXCore, Windows. Each label includes its colon and the blank that follows it.
VERSION_LABELS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "en-US": ("WSL version: ", "Kernel version: ", "WSLg version: ", "MSRDC version: ",  # corpus
              "Direct3D version: ", "DXCore version: ", "Windows version: "),
    "de-DE": ("WSL-Version: ", "Kernelversion: ", "WSLg-Version: ", "MSRDC-Version: ",  # corpus
              "Direct3D-Version: ", "DXCore-Version: ", "Windows-Version: "),
    "fr-FR": ("Version WSL : ", "Version du noyau : ", "Version WSLg : ", "Version MSRDC : ",
              "Version Direct3D : ", "Version DXCore : ", "Version de Windows : "),
    "es-ES": ("Versión de WSL: ", "Versión de kernel: ", "Versión de WSLg: ", "Versión de MSRDC: ",  # corpus
              "Versión de Direct3D: ", "Versión DXCore: ", "Versión de Windows: "),
    "pt-BR": ("Versão do WSL: ", "Versão do kernel: ", "Versão do WSLg: ", "Versão do MSRDC: ",
              "Versão do Direct3D: ", "Versão do DXCore: ", "Versão do Windows: "),
    "it-IT": ("Versione WSL: ", "Versione kernel: ", "Versione WSLg: ", "Versione MSRDC: ",
              "Versione Direct3D: ", "Versione DXCore: ", "Versione Windows: "),
    "nl-NL": ("WSL-versie: ", "Kernelversie: ", "WSLg-versie: ", "MSRDC-versie: ",  # corpus
              "Direct3D-versie: ", "DXCore-versie: ", "Windows-versie: "),
    "ru-RU": ("Версия WSL: ", "Версия ядра: ", "Версия WSLg: ", "Версия MSRDC: ",  # corpus
              "Версия Direct3D: ", "Версия DXCore: ", "Версия Windows: "),
    "ja-JP": ("WSL バージョン: ", "カーネル バージョン: ", "WSLg バージョン: ", "MSRDC バージョン: ",  # corpus
              "Direct3D バージョン: ", "DXCore バージョン: ", "Windows バージョン: "),
    "ko-KR": ("WSL 버전: ", "커널 버전: ", "WSLg 버전: ", "MSRDC 버전: ",  # corpus
              "Direct3D 버전: ", "DXCore 버전: ", "Windows 버전: "),
    # zh-CN: ASCII colon from 2.5.x on, and the last label is just "Windows: " (corpus 025,
    # 029); 2.0.9-2.4.8 printed full-width colons and "Windows 版本：".
    "zh-CN": ("WSL 版本: ", "内核版本: ", "WSLg 版本: ", "MSRDC 版本: ",
              "Direct3D 版本: ", "DXCore 版本: ", "Windows: "),
    "zh-TW": ("WSL 版本： ", "核心版本： ", "WSLg 版本： ", "MSRDC 版本： ",  # full-width colon U+FF1A
              "Direct3D 版本： ", "DXCore 版本： ", "Windows 版本： "),
}

# `wsl --status`: Default Distribution / Default Version.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "en-US": ("Default Distribution: ", "Default Version: "),
    "de-DE": ("Standarddistribution: ", "Standardversion: "),
    "fr-FR": ("Distribution par défaut : ", "Version par défaut : "),
    "es-ES": ("Distribución predeterminada: ", "Versión predeterminada: "),
    "pt-BR": ("Distribuição Padrão: ", "Versão Padrão: "),
    "ru-RU": ("Дистрибутив по умолчанию: ", "Версия по умолчанию: "),
    "ja-JP": ("既定のディストリビューション: ", "既定のバージョン: "),
    "zh-CN": ("默认分发: ", "默认版本: "),
}

# `wsl --update` sentences. {version}, {code}, {path} are placeholders. Every language
# has every key: where a translation was not seen, the English text stands in, which
# is also what real localised machines do for MSI messages.
UPDATE_TEXT: dict[str, dict[str, str]] = {
    "en-US": {
        "checking": "Checking for updates.",
        "latest": "The most recent version of Windows Subsystem for Linux is already installed.",
        "updating": "Updating Windows Subsystem for Linux to version: {version}.",
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "de-DE": {
        "checking": "Es wird nach Updates gesucht.",  # corpus
        "latest": "Die neueste Version von Windows-Subsystem für Linux ist bereits installiert.",  # corpus
        "updating": "Windows-Subsystem für Linux wird auf Version {version} aktualisiert.",
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "fr-FR": {
        "checking": "Recherche des mises à jour.",  # corpus
        "latest": "La version la plus récente de Sous-système Windows pour Linux est déjà installée.",  # corpus
        "updating": "Mise à jour du Sous-système Windows pour Linux vers la version : {version}.",
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "es-ES": {
        "checking": "Comprobando actualizaciones.",  # corpus
        "latest": "La versión más reciente de Subsistema de Windows para Linux ya está instalada.",  # corpus
        "updating": "Updating Windows Subsystem for Linux to version: {version}.",
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "pt-BR": {
        "checking": "Checking for updates.",
        "latest": "The most recent version of Windows Subsystem for Linux is already installed.",
        "updating": "Atualizando Subsistema do Windows para Linux para a versão: {version}.",  # resource
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "it-IT": {
        "checking": "Verifica della disponibilità di aggiornamenti.",  # corpus
        "latest": "The most recent version of Windows Subsystem for Linux is already installed.",
        "updating": "Aggiornamento sottosistema Windows per Linux alla versione: {version}.",  # corpus
        "failed": "Aggiornamento fallito (codice di uscita: {code}).",  # corpus
        "log": "File di log: {path}",  # corpus
        "error_code": "Error code: {code}",  # corpus: stays English
    },
    "ja-JP": {
        "checking": "更新プログラムを確認しています。",  # corpus
        "latest": "Linux 用 Windows サブシステムの最新バージョンは既にインストールされています。",  # corpus
        "updating": "Linux 用 Windows サブシステムをバージョン {version} に更新しています。",  # corpus (2.7.x)
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
    "ko-KR": {
        "checking": "업데이트 확인 중입니다.",  # corpus
        "latest": "The most recent version of Windows Subsystem for Linux is already installed.",
        "updating": "Linux용 Windows 하위 시스템 버전을 {version}(으)로 업데이트하는 중입니다.",  # corpus
        "failed": "업데이트하지 못했습니다(종료 코드: {code}).",  # corpus
        "log": "로그 파일: {path}",  # corpus
        "error_code": "오류 코드: {code}",  # corpus
    },
    "zh-CN": {
        "checking": "正在检查更新。",  # corpus
        "latest": "已安装最新版本的适用于 Linux 的 Windows 子系统。",  # corpus
        "updating": "正在更新适用于 Linux 的 Windows 子系统: {version}。",  # corpus
        "failed": "更新失败(退出代码: {code})。",  # corpus
        "log": "日志文件: {path}",  # corpus
        "error_code": "错误代码: {code}",  # corpus
    },
    "ru-RU": {
        "checking": "Проверяется наличие обновлений.",  # corpus
        "latest": "Последняя версия подсистема Windows для Linux уже установлена.",  # corpus
        "updating": "Updating Windows Subsystem for Linux to version: {version}.",
        "failed": "Update failed (exit code: {code}).",
        "log": "Log file: {path}",
        "error_code": "Error code: {code}",
    },
}

# What the inbox (Windows-image) wsl.exe answers to options it does not know.
INBOX_INVALID_OPTION = {
    "en-US": "Invalid command line option: {option}",  # corpus
    "zh-CN": "命令行选项无效: {option}",  # corpus
}
# What lifted wsl.exe answers to an unknown argument (exit -1).
INVALID_ARGUMENT = {
    "en-US": ("Invalid command line argument: {argument}",
              "Please use 'wsl.exe --help' to get a list of supported arguments."),
}
REBOOT_REQUIRED = {
    "en-US": "The requested operation is successful. Changes will not be effective until the system is rebooted.",
    "zh-CN": "请求的操作成功。直到重新启动系统前更改将不会生效。",  # corpus
}
FORBIDDEN = "Forbidden (403)."  # corpus: the only line, exit -1


# The service's kernel-patch warning, MessageSwiotlbKernelUnsupported, in every language WSL ships it
# (localization/strings/<lang>/Resources.resw at microsoft/WSL 3e27a6a; en-US only in 2.8.9, these 22 by
# 2.9.4). WslCoreVm.cpp emits it once, when the VM starts, if a swiotlb pool was wanted but the guest kernel
# published none; wsl.exe prints it as "wsl: <text>" on the stderr of whichever call started the VM
# (ExecutionContext.cpp). Kept exact: ru-RU holds two ZERO WIDTH SPACEs, as shipped.
SWIOTLB_KERNEL_UNSUPPORTED: dict[str, str] = {
    "cs-CZ": (
        "Aktuálně spuštěné jádro postrádá opravu, která výrazně zlepšuje výkon zařízení "
        "virtio. Pokud chcete tuto optimalizaci povolit, aktualizujte na novější jádro "
        "WSL."
    ),
    "da-DK": (
        "Den kørende kerne mangler en rettelse, der forbedrer virtio enhedens ydeevne "
        "betydeligt. Opdater til en nyere WSL-kerne for at aktivere denne optimering."
    ),
    "de-DE": (
        "Dem laufenden Kernel fehlt ein Patch, der die Leistung von virtio-Geräten "
        "deutlich verbessert. Aktualisieren Sie auf einen neueren WSL-Kernel, um diese "
        "Optimierung zu aktivieren."
    ),
    "en-GB": (
        "The running kernel is missing a patch that significantly improves virtio device "
        "performance. Update to a more recent WSL kernel to enable this optimisation."
    ),
    "en-US": (
        "The running kernel is missing a patch that significantly improves virtio device "
        "performance. Update to a more recent WSL kernel to enable this optimization."
    ),
    "es-ES": (
        "Falta una revisión en el kernel en ejecución que mejora significativamente "
        "virtio rendimiento del dispositivo. Actualice a un kernel de WSL más reciente "
        "para habilitar esta optimización."
    ),
    "fi-FI": (
        "Käynnissä olevasta ytimestä puuttuu korjaustiedosto, joka parantaa "
        "virtio-laitteen suorituskykyä merkittävästi. Ota tämä optimointi käyttöön "
        "päivittämällä uudempi WSL-ydin."
    ),
    "fr-FR": (
        "Il manque un correctif qui améliore considérablement les performances de virtio "
        "appareil dans le noyau en cours d’exécution. Mettez à jour vers un noyau WSL "
        "plus récent pour activer cette optimisation."
    ),
    "hu-HU": (
        "A futó kernelből hiányzik egy javítás, amely jelentősen javítja a virtio eszköz "
        "teljesítményét. Az optimalizálás engedélyezéséhez frissítsen egy újabb "
        "WSL-kernelre."
    ),
    "it-IT": (
        "Il kernel in esecuzione non include una patch che migliora in modo "
        "significativo le prestazioni dei dispositivi virtio. Aggiorna a un kernel WSL "
        "più recente per abilitare questa ottimizzazione."
    ),
    "ja-JP": (
        "実行中のカーネルには、virtio デバイスのパフォーマンスを大幅に向上"
        "させるパッチがありません。この最適化を有効にするには、より新しい WSL "
        "カーネルに更新してください。"
    ),
    "ko-KR": (
        "실행 중인 커널에 virtio 장치 성능을 크게 향상시키는 패치가"
        " 없습니다. 이 최적화를 사용하도록 설정하려면 최신 WSL 커널로 "
        "업데이트하세요."
    ),
    "nb-NO": (
        "Den kjørende kjernen mangler en oppdatering som forbedrer ytelsen virtio "
        "enheten betydelig. Oppdater til en nyere WSL-kjerne for å aktivere denne "
        "optimaliseringen."
    ),
    "nl-NL": (
        "De actieve kernel mist een patch die de prestaties van virtio-apparaten "
        "aanzienlijk verbetert. Werk bij naar een recentere WSL-kernel om deze "
        "optimalisatie in te schakelen."
    ),
    "pl-PL": (
        "W uruchomionym jądrze brakuje poprawki, która znacznie poprawia wydajność "
        "urządzenia virtio. Zaktualizuj jądro WSL do nowszej wersji, aby włączyć tę "
        "optymalizację."
    ),
    "pt-BR": (
        "O kernel em execução não tem um patch que melhora significativamente o "
        "desempenho virtio dispositivo. Atualize para um kernel WSL mais recente para "
        "habilitar essa otimização."
    ),
    "pt-PT": (
        "O kernel em execução não tem um patch que melhora significativamente o "
        "desempenho virtio dispositivo. Atualize para um kernel do WSL mais recente para "
        "ativar esta otimização."
    ),
    "ru-RU": (
        "В запущенном ядре отсутствует исправление, значительно повышающий "
        "производительность устройств virtio. Обновите ядро \u200b\u200bWSL до более новой версии, "
        "чтобы включить эту оптимизацию."
    ),
    "sv-SE": (
        "Den kernel som körs saknar en korrigering som avsevärt förbättrar prestandan "
        "för virtio-enheter. Uppdatera till en nyare WSL-kärna för att aktivera den här "
        "optimeringen."
    ),
    "tr-TR": (
        "Çalışan çekirdekte virtio cihaz performansını önemli ölçüde iyileştiren bir "
        "yama eksik. Bu iyileştirmeyi etkinleştirmek için daha yeni bir WSL çekirdeğine "
        "güncelleştirin."
    ),
    "zh-CN": (
        "正在运行的内核缺少可显著提高设备性能 virtio 补丁。更新到更新的 WSL 内核以启用此优化。"
    ),
    "zh-TW": (
        "目前執行的核心缺少一個可大幅提升 virtio 裝置效能的修補程式。請更新至較新的 WSL 核心，以啟用此最佳化。"
    ),
}

# `wsl --list`: MessageNoRunningDistro (`--list --running` with none running, exit -1),
# MessageNoDefaultDistro (any `--list` with no distro registered, exit -1, no error code), and
# MessageDistroNotFound (`-d NAME` for a name not registered), from Resources.resw at 3e27a6a.
# The `--list --verbose` table itself is not translated (wsl.h, WslClient.cpp).
NO_RUNNING_DISTRO = {
    "en-US": "There are no running distributions.",
    "de-DE": "Es werden keine Distributionen ausgeführt.",
    "fr-FR": "Aucune distribution en cours d'exécution.",
    "es-ES": "No hay distribuciones en ejecución.",
    "pt-BR": "Não há distribuições em execução.",
    "it-IT": "Nessuna distribuzione in corso.",
    "nl-NL": "Er zijn geen actieve distributies.",
    "ru-RU": "Нет выполняющихся дистрибутивов.",
    "ja-JP": "実行中のディストリビューションはありません。",
    "ko-KR": "실행 중인 배포가 없습니다.",
    "zh-CN": "没有正在运行的分发。",
    "zh-TW": "沒有任何執行中的發佈。",
}
NO_DISTROS = {
    "en-US": "Windows Subsystem for Linux has no installed distributions.\n"
             "You can resolve this by installing a distribution with the instructions below:\n\n"
             "Use 'wsl.exe --list --online' to list available distributions\n"
             "and 'wsl.exe --install <Distro>' to install.",
    "de-DE": "Windows-Subsystem für Linux verfügt über keine installierten Distributionen.\n"
             "Sie können dies beheben, indem Sie eine Distribution mit den folgenden Anweisungen installieren:\n\n"
             "\"wsl.exe --list --online' zum Auflisten verfügbarer Distributionen verwenden\n"
             "und \"wsl.exe --install <Distro>\".",
    "ja-JP": "Linux 用 Windows サブシステムにインストールされているディストリビューションはありません。\n"
             "この問題を解決するには、以下の手順に従ってディストリビューションをインストールしてください:\n\n"
             "'wsl.exe --list --online' を使用して利用可能な配布を一覧表示する\n"
             "および 'wsl.exe --install <Distro>' を使用してインストールしてください。",
    "zh-CN": "适用于 Linux 的 Windows 子系统没有已安装的分发。\n可按照以下说明安装分发来解决此问题:\n\n"
             "使用 'wsl.exe --list --online' 列出可用的分发\n和 'wsl.exe --install <Distro>' 进行安装。",
}
DISTRO_NOT_FOUND = {
    "en-US": "There is no distribution with the supplied name.",
    "de-DE": "Es ist keine Distribution mit dem angegebenen Namen vorhanden.",
    "fr-FR": "Il n’existe aucune distribution avec le nom fourni.",
    "es-ES": "No hay ninguna distribución con el nombre proporcionado.",
    "ja-JP": "指定された名前のディストリビューションはありません。",
    "zh-CN": "不存在具有所提供名称的分发。",
}
