    if [[ -n $expect ]]; then
      [[ $cmd == create && ( $expect == -d || $expect == --driver ) ]] && driver=$w
      expect=
      continue
    fi
    case $w in
      --driver=*) [[ $cmd == create ]] && driver=${w#*=}; continue;;
      --*=*) continue;;
      -*) if _swarmctl_valued "$cmd" "$w"; then expect=$w; fi; continue;;
    esac
    if [[ -z $cmd ]]; then
      cmd=$w
    else
      case $cmd in
        {{nested}}) cmd="$cmd $w";;
      esac
    fi
  done
  [[ -z $driver ]] && driver=${MACHINE_DRIVER:-{{default_driver}}}
  if [[ -n $expect ]]; then
    _swarmctl_value "$cmd" "$expect"
    return
  fi
